# Key hygiene for the whole organization: every admin key and every project's
# keys, archived projects included, checked by the key-hygiene module on every
# plan against the organization's users. Findings warn; too_many_admin_keys
# blocks the plan.

data "openai_api_keys" "all" {
  # Without it, archived projects' keys are not listed, and
  # archived_project_key has nothing to find.
  include_archived_projects = true
}

# The users: admin keys whose owner is not among them are orphaned
# (owner_without_access), and too_many_org_owners counts their owners. A
# policy on the plan's JSON reads this data source from the plan.
data "openai_users" "all" {}

locals {
  # The settings, once: the module's inputs, and the hygiene_settings output,
  # so a policy run on the plan's JSON (policy/openai_keys.rego) applies the
  # very same ones.
  hygiene = {
    max_idle_days         = var.max_idle_days
    never_used_grace_days = var.never_used_grace_days
    rotation_days         = var.rotation_days
    expiry_warning_days   = var.expiry_warning_days
    max_admin_keys        = var.max_admin_keys
    max_keys_per_owner    = var.max_keys_per_owner
    max_org_owners        = var.max_org_owners
    rules = [
      "archived_project_key", "expired", "expiring_soon", "idle", "never_used", "no_expiry",
      "owner_without_access", "service_account_owner", "too_many_admin_keys", "too_many_keys_per_owner",
      "too_many_org_owners", "too_old", "user_owned",
    ]
    enforce = ["too_many_admin_keys"]
    exceptions = {
      # legacy-bootstrap: an accepted finding, with a reason and an end date.
      key_Tn5Zh0Lq4Pe9Xa2C = {
        rules  = ["no_expiry"]
        reason = "Bootstraps the terraform-ci service account; revoked once rotation-2026 has replaced it everywhere."
        until  = "2028-06-30"
      }
    }
  }
}

module "key_hygiene" {
  # Copied out of this repository, use
  #   "git::https://github.com/keycensus/terraform-provider-openai.git//modules/key-hygiene?ref=v0.1.0"
  # or copy modules/key-hygiene beside this file and use "./modules/key-hygiene".
  source = "../../modules/key-hygiene"

  keys  = data.openai_api_keys.all.keys
  users = data.openai_users.all.users

  max_idle_days         = local.hygiene.max_idle_days
  never_used_grace_days = local.hygiene.never_used_grace_days
  rotation_days         = local.hygiene.rotation_days
  expiry_warning_days   = local.hygiene.expiry_warning_days
  max_admin_keys        = local.hygiene.max_admin_keys
  max_keys_per_owner    = local.hygiene.max_keys_per_owner
  max_org_owners        = local.hygiene.max_org_owners
  rules                 = local.hygiene.rules
  enforce               = local.hygiene.enforce
  exceptions            = local.hygiene.exceptions
}
