terraform {
  # modules/key-hygiene calls the provider's key_hygiene function: Terraform
  # 1.8 or later (OpenTofu checks its own version here: 1.8 or later).
  required_version = ">= 1.8.0"

  required_providers {
    openai = {
      source = "keycensus/openai"
      # The first version with the function's current settings and result.
      version = ">= 0.1.0"
    }
  }
}

# Reads OPENAI_ADMIN_KEY (and OPENAI_ADMIN_BASE_URL, if set).
provider "openai" {}
