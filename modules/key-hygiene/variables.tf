# Validation conditions may refer only to their own variable before Terraform
# 1.9, so the list of rule names is repeated in each one.

variable "keys" {
  description = <<-EOT
    The key inventory: a list of objects in the shape of `data.openai_api_keys.<name>.keys`. Lists of another
    shape convert as long as they have `id` and `created_at_rfc3339`: attributes they lack are null, so
    `data.openai_admin_api_keys.<name>.keys` works as is (a null `kind` counts as "admin"). Keys of
    `openai_project_api_keys` need `kind = "project"` and their `project_id` merged in.
  EOT
  type = list(object({
    kind                 = optional(string)
    id                   = string
    name                 = optional(string)
    redacted_value       = optional(string)
    created_at           = optional(number)
    created_at_rfc3339   = string
    last_used_at         = optional(number)
    last_used_at_rfc3339 = optional(string)
    expires_at           = optional(number)
    expires_at_rfc3339   = optional(string)
    project_id           = optional(string)
    project_name         = optional(string)
    project_status       = optional(string)
    owner_project_access = optional(string)
    owner = optional(object({
      type       = optional(string)
      id         = optional(string)
      name       = optional(string)
      email      = optional(string)
      role       = optional(string)
      created_at = optional(number)
    }))
  }))
  nullable = false

  validation {
    condition     = alltrue([for k in var.keys : k.id != null && k.id != ""])
    error_message = "Every key needs an id: pass the keys of an openai_api_keys, openai_admin_api_keys or openai_project_api_keys data source, or objects with an id."
  }

  validation {
    condition     = alltrue([for k in var.keys : k.kind == null ? true : contains(["admin", "project"], k.kind)])
    error_message = "A key's kind must be \"admin\", \"project\" or null (null counts as \"admin\"). Keys with another kind: ${join(", ", [for k in var.keys : "${k.id} (${k.kind})" if k.kind == null ? false : !contains(["admin", "project"], k.kind)])}."
  }

  validation {
    condition = alltrue([for k in var.keys : alltrue([
      can(timeadd(k.created_at_rfc3339, "0s")),
      k.last_used_at_rfc3339 == null ? true : can(timeadd(k.last_used_at_rfc3339, "0s")),
      k.expires_at_rfc3339 == null ? true : can(timeadd(k.expires_at_rfc3339, "0s")),
    ])])
    error_message = "created_at_rfc3339 must be an RFC 3339 time such as \"2026-01-02T03:04:05Z\", and last_used_at_rfc3339 and expires_at_rfc3339 one or null. Keys with a time that is not: ${join(", ", [for k in var.keys : k.id if !alltrue([can(timeadd(k.created_at_rfc3339, "0s")), k.last_used_at_rfc3339 == null ? true : can(timeadd(k.last_used_at_rfc3339, "0s")), k.expires_at_rfc3339 == null ? true : can(timeadd(k.expires_at_rfc3339, "0s"))])])}."
  }
}

variable "now" {
  description = "The time the rules are evaluated at, as an RFC 3339 time such as \"2026-11-28T12:00:00Z\". Null (the default) means the plan's time, plantimestamp(). Pin it in tests. Details print its first 10 characters as the date, so give it in UTC."
  type        = string
  default     = null

  validation {
    condition     = var.now == null ? true : can(timeadd(var.now, "0s"))
    error_message = "now must be null or an RFC 3339 time such as \"2026-11-28T12:00:00Z\" (date, \"T\", time, and \"Z\" or an offset)."
  }
}

variable "max_idle_days" {
  description = "Rule idle: a key last used more than this many days before now is a finding (strictly more)."
  type        = number
  default     = 90
  nullable    = false

  validation {
    condition     = var.max_idle_days >= 0 && var.max_idle_days <= 36500 && floor(var.max_idle_days) == var.max_idle_days
    error_message = "max_idle_days must be a whole number of days from 0 to 36500, such as 90."
  }
}

variable "never_used_grace_days" {
  description = "Rule never_used: a key never used and created more than this many days before now is a finding (strictly more)."
  type        = number
  default     = 7
  nullable    = false

  validation {
    condition     = var.never_used_grace_days >= 0 && var.never_used_grace_days <= 36500 && floor(var.never_used_grace_days) == var.never_used_grace_days
    error_message = "never_used_grace_days must be a whole number of days from 0 to 36500, such as 7."
  }
}

variable "rotation_days" {
  description = "Rule too_old: a key created more than this many days before now is a finding (strictly more)."
  type        = number
  default     = 365
  nullable    = false

  validation {
    condition     = var.rotation_days >= 0 && var.rotation_days <= 36500 && floor(var.rotation_days) == var.rotation_days
    error_message = "rotation_days must be a whole number of days from 0 to 36500, such as 365."
  }
}

variable "expiry_warning_days" {
  description = "Rule expiring_soon: a key that expires now or within this many days after now is a finding (both ends included)."
  type        = number
  default     = 14
  nullable    = false

  validation {
    condition     = var.expiry_warning_days >= 0 && var.expiry_warning_days <= 36500 && floor(var.expiry_warning_days) == var.expiry_warning_days
    error_message = "expiry_warning_days must be a whole number of days from 0 to 36500, such as 14."
  }
}

variable "max_admin_keys" {
  description = "Rule too_many_admin_keys: more admin keys than this is one finding for the organization (strictly more). Null (the default) means no cap."
  type        = number
  default     = null

  validation {
    condition     = var.max_admin_keys == null ? true : var.max_admin_keys >= 0 && floor(var.max_admin_keys) == var.max_admin_keys
    error_message = "max_admin_keys must be null (no cap) or a whole number from 0 up, such as 25."
  }
}

variable "rules" {
  description = "The rules to evaluate: never_used, idle, no_expiry, expiring_soon, expired, too_old, user_owned, owner_without_access, too_many_admin_keys. Default: all of them."
  type        = set(string)
  default     = ["expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "too_many_admin_keys", "too_old", "user_owned"]
  nullable    = false

  validation {
    condition     = length(setsubtract(var.rules, ["expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "too_many_admin_keys", "too_old", "user_owned"])) == 0
    error_message = "Unknown rule names in rules: ${join(", ", sort(setsubtract(var.rules, ["expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "too_many_admin_keys", "too_old", "user_owned"])))}. The rules are expired, expiring_soon, idle, never_used, no_expiry, owner_without_access, too_many_admin_keys, too_old and user_owned."
  }
}

variable "enforce" {
  description = "The rules whose findings block the plan (an error on the findings output) instead of only warning. A rule must also be in rules to have findings. Default: none."
  type        = set(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(setsubtract(var.enforce, ["expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "too_many_admin_keys", "too_old", "user_owned"])) == 0
    error_message = "Unknown rule names in enforce: ${join(", ", sort(setsubtract(var.enforce, ["expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "too_many_admin_keys", "too_old", "user_owned"])))}. The rules are expired, expiring_soon, idle, never_used, no_expiry, owner_without_access, too_many_admin_keys, too_old and user_owned."
  }
}

variable "exceptions" {
  description = <<-EOT
    Accepted findings, keyed by key id: `{ rules = set(string), reason = string, until = string }`. While active, the
    exception hides that key's findings for the listed rules. `until` is a date "YYYY-MM-DD" (active through the
    end of that day in UTC) or an RFC 3339 time (active while now is before it). Once lapsed, it hides nothing and
    its key id is listed in the expired_exceptions output.
  EOT
  type = map(object({
    rules  = set(string)
    reason = string
    until  = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for id, e in var.exceptions : length(setsubtract(e.rules, ["expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "too_old", "user_owned"])) == 0])
    error_message = "Exceptions list rules that are unknown or cannot be excepted: ${join(", ", flatten([for id, e in var.exceptions : [for r in sort(setsubtract(e.rules, ["expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "too_old", "user_owned"])) : "${r} (key ${id})"]]))}. An exception can list expired, expiring_soon, idle, never_used, no_expiry, owner_without_access, too_old and user_owned; too_many_admin_keys concerns no single key: raise max_admin_keys instead."
  }

  validation {
    condition     = alltrue([for id, e in var.exceptions : e.reason == null ? false : trimspace(e.reason) != ""])
    error_message = "Every exception needs a reason, so the next reader knows why the finding is accepted. Exceptions without one: ${join(", ", [for id, e in var.exceptions : id if(e.reason == null ? true : trimspace(e.reason) == "")])}."
  }

  validation {
    condition = alltrue([for id, e in var.exceptions : e.until == null ? false : (
      can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", e.until)) ? can(timeadd("${e.until}T00:00:00Z", "0s")) : can(timeadd(e.until, "0s"))
    )])
    error_message = "Every exception's until must be a date such as \"2027-06-30\" (active through the end of that day, UTC) or an RFC 3339 time such as \"2027-06-30T12:00:00Z\". Exceptions with another until: ${join(", ", [for id, e in var.exceptions : "${id} (${e.until == null ? "null" : e.until})" if !(e.until == null ? false : (can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", e.until)) ? can(timeadd("${e.until}T00:00:00Z", "0s")) : can(timeadd(e.until, "0s"))))])}."
  }
}
