# Key hygiene for the whole organization: every admin key and every project's
# keys, archived projects included, checked by the key-hygiene module on every
# plan. Findings warn; too_many_admin_keys blocks the plan.

data "openai_api_keys" "all" {
  include_archived_projects = true
}

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
    rules = [
      "expired", "expiring_soon", "idle", "never_used", "no_expiry",
      "owner_without_access", "too_many_admin_keys", "too_old", "user_owned",
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
  # Elsewhere: "git::https://github.com/keycensus/terraform-provider-openai.git//modules/key-hygiene?ref=vX.Y.Z".
  source = "../../modules/key-hygiene"

  keys = data.openai_api_keys.all.keys

  max_idle_days         = local.hygiene.max_idle_days
  never_used_grace_days = local.hygiene.never_used_grace_days
  rotation_days         = local.hygiene.rotation_days
  expiry_warning_days   = local.hygiene.expiry_warning_days
  max_admin_keys        = local.hygiene.max_admin_keys
  rules                 = local.hygiene.rules
  enforce               = local.hygiene.enforce
  exceptions            = local.hygiene.exceptions
}
