terraform {
  # Check blocks and plantimestamp() need Terraform 1.5 or later.
  required_version = ">= 1.5.0"

  required_providers {
    openai = {
      source = "keycensus/openai"
    }
  }
}

# Reads OPENAI_ADMIN_KEY (and OPENAI_BASE_URL, if set).
provider "openai" {}
