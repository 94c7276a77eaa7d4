# The configuration a scheduled CI job plans (examples/ci): the whole key
# inventory and the users, checked by modules/key-hygiene for the plan's
# warnings, and judged by policy/openai_keys.rego for the job's verdict and
# reports. Here the policy enforces, not the module: the plan always
# completes, so the job always has a plan to report on.

data "openai_api_keys" "all" {
  include_archived_projects = true
}

data "openai_users" "all" {}

locals {
  # The policy reads these from the plan's hygiene_settings output.
  hygiene = {
    max_admin_keys     = 25
    max_keys_per_owner = 2
    max_org_owners     = 3
    # The job fails on these; every other finding is a warning in the reports.
    enforce    = ["expired", "owner_without_access", "too_many_admin_keys", "too_many_org_owners"]
    exceptions = {}
  }
}

module "key_hygiene" {
  # In this repository. Copied out of it, as the CI guide says, use
  #   "git::https://github.com/keycensus/terraform-provider-openai.git//modules/key-hygiene?ref=v0.1.0"
  # or copy modules/key-hygiene beside this file and use "./modules/key-hygiene".
  source = "../../../modules/key-hygiene"

  keys               = data.openai_api_keys.all.keys
  users              = data.openai_users.all.users
  max_admin_keys     = local.hygiene.max_admin_keys
  max_keys_per_owner = local.hygiene.max_keys_per_owner
  max_org_owners     = local.hygiene.max_org_owners
  exceptions         = local.hygiene.exceptions
  # Warnings only: the gate's policy blocks.
  enforce = []
}

output "hygiene_settings" {
  description = "The settings, for policy/openai_keys.rego on the plan's JSON."
  value       = local.hygiene
}

output "summary" {
  description = "The number of findings of each rule."
  value       = module.key_hygiene.summary
}
