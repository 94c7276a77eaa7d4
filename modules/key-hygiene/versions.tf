terraform {
  # Provider-defined functions need Terraform 1.8 or later (OpenTofu 1.7 or
  # later, which reports its own version here). `terraform test` (the tests
  # under tests/) runs on the same versions.
  required_version = ">= 1.7.0"

  required_providers {
    # The rules are the provider's function. The full address serves both
    # Terraform and OpenTofu, whose short keycensus/openai would mean
    # registry.opentofu.org.
    openai = {
      source = "registry.terraform.io/keycensus/openai"
    }
  }
}
