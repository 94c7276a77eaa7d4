# Admin key hygiene, checked on every plan. Check blocks warn without
# blocking; the postcondition on the data source blocks the plan.

variable "max_admin_keys" {
  description = "The most admin API keys the organization may have before plans fail."
  type        = number
  default     = 25
}

variable "max_idle_days" {
  description = "Days after which a key that has not been used counts as stale."
  type        = number
  default     = 90
}

data "openai_admin_api_keys" "all" {
  lifecycle {
    postcondition {
      condition     = length(self.keys) <= var.max_admin_keys
      error_message = "The organization has ${length(self.keys)} admin API keys, more than the ${var.max_admin_keys} allowed: revoke the ones nobody needs."
    }
  }
}

locals {
  admin_keys = data.openai_admin_api_keys.all.keys
  idle_since = timeadd(plantimestamp(), "-${var.max_idle_days * 24}h")

  never_used = [for k in local.admin_keys : k.id if k.last_used_at == null]
  # Never-used keys count as "now" here: admin_keys_never_used reports them.
  stale        = [for k in local.admin_keys : k.id if timecmp(coalesce(k.last_used_at_rfc3339, plantimestamp()), local.idle_since) < 0]
  never_expire = [for k in local.admin_keys : k.id if k.expires_at == null]
  user_owned   = [for k in local.admin_keys : k.id if k.owner.type == "user"]
}

check "admin_keys_never_used" {
  assert {
    condition     = length(local.never_used) == 0
    error_message = "Admin API keys that were never used: ${join(", ", local.never_used)}. Revoke them, or find out who needs them."
  }
}

check "admin_keys_unused_for_90_days" {
  assert {
    condition     = length(local.stale) == 0
    error_message = "Admin API keys not used for ${var.max_idle_days} days: ${join(", ", local.stale)}."
  }
}

check "admin_keys_never_expire" {
  assert {
    condition     = length(local.never_expire) == 0
    error_message = "Admin API keys that never expire: ${join(", ", local.never_expire)}. Replace them with keys that expire."
  }
}

check "admin_keys_owned_by_users" {
  assert {
    condition     = length(local.user_owned) == 0
    error_message = "Admin API keys owned by people rather than service accounts: ${join(", ", local.user_owned)}."
  }
}

output "admin_keys" {
  description = "The inventory: one line per admin API key."
  value = [for k in local.admin_keys : format("%-14s %-24s owner=%s:%s last_used=%s expires=%s",
    k.id, coalesce(k.name, "(no name)"), k.owner.type, coalesce(k.owner.name, "?"),
  coalesce(k.last_used_at_rfc3339, "never"), coalesce(k.expires_at_rfc3339, "never"))]
}
