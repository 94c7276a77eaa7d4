terraform {
  # modules/key-hygiene calls the provider's key_hygiene function: Terraform
  # 1.8 or later, or OpenTofu 1.7 or later.
  required_version = ">= 1.7.0"

  required_providers {
    openai = {
      source = "keycensus/openai"
    }
  }
}

# Reads OPENAI_ADMIN_KEY (and OPENAI_ADMIN_BASE_URL, if set).
provider "openai" {}
