# Every key of the organization, checked at the plan's time with two
# thresholds changed and one accepted finding.
data "openai_api_keys" "all" {
  include_archived_projects = true
}

locals {
  hygiene = provider::openai::key_hygiene(data.openai_api_keys.all.keys, {
    now            = plantimestamp()
    max_idle_days  = 60
    max_admin_keys = 25
    exceptions = {
      key_Tn5Zh0Lq4Pe9Xa2C = {
        rules  = ["no_expiry"]
        reason = "Bootstraps the CI service account; revoked once its successor is rolled out."
        until  = "2027-06-30"
      }
    }
  })
}

# A gate of your own on the findings: no admin key may be idle.
check "no_idle_admin_keys" {
  assert {
    condition     = length([for f in local.hygiene.findings : f if f.rule == "idle" && f.kind == "admin"]) == 0
    error_message = "Admin keys have been idle for more than 60 days."
  }
}

output "key_hygiene_summary" {
  value = local.hygiene.summary
}
