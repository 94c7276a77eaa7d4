terraform {
  # Provider-defined functions (provider::openai::key_hygiene, and the
  # key-hygiene module on it) need Terraform 1.8 or later; the data sources
  # alone work from Terraform 1.5.
  required_version = ">= 1.8.0"

  required_providers {
    openai = {
      # Under OpenTofu, write registry.terraform.io/keycensus/openai in full.
      source  = "keycensus/openai"
      version = ">= 0.1.0"
    }
  }
}

# The admin key is read from OPENAI_ADMIN_KEY when admin_key is not set:
# keep it out of configuration files and state.
provider "openai" {
  # admin_key     = var.openai_admin_key # or OPENAI_ADMIN_KEY
  max_retries     = 10
  request_timeout = "60s"
}
