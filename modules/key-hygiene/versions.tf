terraform {
  # check blocks and plantimestamp() need Terraform 1.5; `terraform test`
  # (the tests under tests/) needs Terraform 1.6 or OpenTofu.
  required_version = ">= 1.5.0"

  # No providers: the caller passes the inventory, so the module can be tested
  # and reused without an API.
}
