terraform {
  # Provider-defined functions need Terraform 1.8 or later: on 1.7 the call
  # is a parse error, so the version says it first. OpenTofu checks its own
  # version here: 1.8 or later passes (1.7.x has functions too, but not this
  # number). `terraform test` (the tests under tests/) runs on the same
  # versions.
  required_version = ">= 1.8.0"

  required_providers {
    # The rules are the provider's function. The full address serves both
    # Terraform and OpenTofu, whose short keycensus/openai would mean
    # registry.opentofu.org.
    openai = {
      source = "registry.terraform.io/keycensus/openai"
      # The first version with the function's current settings and result.
      version = ">= 0.1.0"
    }
  }
}
