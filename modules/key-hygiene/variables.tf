# The rules' inputs are validated by the rules themselves, in the provider's
# function: every problem names the input, the value given and what is
# accepted, and the module, the function and the policy refuse the same
# values. So id, created_at_rfc3339 and the fields of an exception are
# optional here: a missing one reaches the function, which says so.

variable "keys" {
  description = <<-EOT
    The key inventory: a list of objects in the shape of `data.openai_api_keys.<name>.keys`. Lists of another
    shape convert as long as they have `id` and `created_at_rfc3339`: attributes they lack are null, so
    `data.openai_admin_api_keys.<name>.keys` works as is (a null `kind` counts as "admin"; set
    `exclude_project_keys = true` there, since the API's admin key listing holds project keys too). Keys of
    `openai_project_api_keys` need `kind = "project"` and their `project_id` merged in. A key listed more than once
    counts once: a listing with `kind = "project"` wins, else the first listing.
  EOT
  type = list(object({
    kind                 = optional(string)
    id                   = optional(string)
    name                 = optional(string)
    redacted_value       = optional(string)
    created_at           = optional(number)
    created_at_rfc3339   = optional(string)
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
}

variable "now" {
  description = "The time the rules are evaluated at, as an RFC 3339 time such as \"2026-11-28T12:00:00Z\". Null (the default) means the plan's time, plantimestamp(). Pin it in tests. Details print its first 10 characters as the date, so give it in UTC."
  type        = string
  default     = null

  validation {
    condition     = var.now == null ? true : can(timecmp(var.now, var.now))
    error_message = "now = ${jsonencode(var.now)}: must be an RFC 3339 time such as \"2026-11-28T12:00:00Z\": pass plantimestamp()"
  }
}

variable "max_idle_days" {
  description = "Rule idle: a key last used more than this many days before now is a finding (strictly more). A whole number from 0 to 36500."
  type        = number
  default     = 90
  nullable    = false

  # The engine's own check and words, so that the error points at the caller's
  # line; the function checks again.
  validation {
    condition     = var.max_idle_days >= 0 && var.max_idle_days <= 36500 && floor(var.max_idle_days) == var.max_idle_days
    error_message = "max_idle_days = ${var.max_idle_days}: must be a whole number of days from 0 to 36500, such as 90"
  }
}

variable "never_used_grace_days" {
  description = "Rule never_used: a key never used and created more than this many days before now is a finding (strictly more). A whole number from 0 to 36500."
  type        = number
  default     = 7
  nullable    = false

  # The engine's own check and words, so that the error points at the caller's
  # line; the function checks again.
  validation {
    condition     = var.never_used_grace_days >= 0 && var.never_used_grace_days <= 36500 && floor(var.never_used_grace_days) == var.never_used_grace_days
    error_message = "never_used_grace_days = ${var.never_used_grace_days}: must be a whole number of days from 0 to 36500, such as 7"
  }
}

variable "rotation_days" {
  description = "Rule too_old: a key created more than this many days before now is a finding (strictly more). A whole number from 0 to 36500."
  type        = number
  default     = 365
  nullable    = false

  # The engine's own check and words, so that the error points at the caller's
  # line; the function checks again.
  validation {
    condition     = var.rotation_days >= 0 && var.rotation_days <= 36500 && floor(var.rotation_days) == var.rotation_days
    error_message = "rotation_days = ${var.rotation_days}: must be a whole number of days from 0 to 36500, such as 365"
  }
}

variable "expiry_warning_days" {
  description = "Rule expiring_soon: a key that expires now or within this many days after now is a finding (both ends included). A whole number from 0 to 36500."
  type        = number
  default     = 14
  nullable    = false

  # The engine's own check and words, so that the error points at the caller's
  # line; the function checks again.
  validation {
    condition     = var.expiry_warning_days >= 0 && var.expiry_warning_days <= 36500 && floor(var.expiry_warning_days) == var.expiry_warning_days
    error_message = "expiry_warning_days = ${var.expiry_warning_days}: must be a whole number of days from 0 to 36500, such as 14"
  }
}

variable "max_admin_keys" {
  description = "Rule too_many_admin_keys: more admin keys than this is one finding for the organization (strictly more). Null (the default) means no cap."
  type        = number
  default     = null

  validation {
    condition     = var.max_admin_keys == null ? true : var.max_admin_keys >= 0 && var.max_admin_keys <= 1099511627776 && floor(var.max_admin_keys) == var.max_admin_keys
    error_message = "max_admin_keys = ${jsonencode(var.max_admin_keys)}: must be null (no cap) or a whole number from 0 up, such as 25"
  }
}

variable "max_keys_per_owner" {
  description = "Rule too_many_keys_per_owner: every key of an owner that holds more than this many keys in one project, or, for admin keys, in the organization, is a finding (strictly more; owners are told apart by id). Null (the default) turns the rule off."
  type        = number
  default     = null

  validation {
    condition     = var.max_keys_per_owner == null ? true : var.max_keys_per_owner >= 0 && var.max_keys_per_owner <= 1099511627776 && floor(var.max_keys_per_owner) == var.max_keys_per_owner
    error_message = "max_keys_per_owner = ${jsonencode(var.max_keys_per_owner)}: must be null (the rule is off) or a whole number from 0 up, such as 2"
  }
}

variable "max_org_owners" {
  description = "Rule too_many_org_owners: more users with the owner role than this is one finding for the organization (strictly more), naming them. Needs users. Null (the default) turns the rule off."
  type        = number
  default     = null

  validation {
    condition     = var.max_org_owners == null ? true : var.max_org_owners >= 0 && var.max_org_owners <= 1099511627776 && floor(var.max_org_owners) == var.max_org_owners
    error_message = "max_org_owners = ${jsonencode(var.max_org_owners)}: must be null (the rule is off) or a whole number from 0 up, such as 3"
  }
}

variable "users" {
  description = <<-EOT
    The organization's users: `data.openai_users.<name>.users` as it is. Given, owner_without_access also finds
    user-owned admin keys whose owner's id is not among them, and too_many_org_owners counts their owners. Null
    (the default) leaves both unchecked: owner_without_access then covers project keys only. A user listed more
    than once counts once.
  EOT
  type = list(object({
    id    = optional(string)
    name  = optional(string)
    email = optional(string)
    role  = optional(string)
  }))
  default = null

  validation {
    condition     = var.users == null ? true : alltrue([for u in var.users : u.id != null && u.id != ""])
    error_message = join("\n", [for i, u in(var.users == null ? [] : var.users) : "users[${i}].id = ${jsonencode(u.id)}: every user needs its id, such as \"user-abc\"" if u.id == null || u.id == ""])
  }
}

variable "rules" {
  description = "The rules to evaluate: archived_project_key, expired, expiring_soon, idle, never_used, no_expiry, owner_without_access, service_account_owner, too_many_admin_keys, too_many_keys_per_owner, too_many_org_owners, too_old, user_owned. Default: all of them (the ones with a null threshold find nothing)."
  type        = set(string)
  default     = ["archived_project_key", "expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "service_account_owner", "too_many_admin_keys", "too_many_keys_per_owner", "too_many_org_owners", "too_old", "user_owned"]
  nullable    = false

  validation {
    condition     = alltrue([for r in var.rules : contains(["archived_project_key", "expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "service_account_owner", "too_many_admin_keys", "too_many_keys_per_owner", "too_many_org_owners", "too_old", "user_owned"], r)])
    error_message = join("\n", [for r in var.rules : "rules lists ${jsonencode(r)}, which is not a rule: the rules are archived_project_key, expired, expiring_soon, idle, never_used, no_expiry, owner_without_access, service_account_owner, too_many_admin_keys, too_many_keys_per_owner, too_many_org_owners, too_old, user_owned" if !contains(["archived_project_key", "expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "service_account_owner", "too_many_admin_keys", "too_many_keys_per_owner", "too_many_org_owners", "too_old", "user_owned"], r)])
  }
}

variable "enforce" {
  description = "The rules whose findings block the plan (an error on the findings output) instead of only warning. A rule must also be in rules to have findings. Default: none."
  type        = set(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for r in var.enforce : contains(["archived_project_key", "expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "service_account_owner", "too_many_admin_keys", "too_many_keys_per_owner", "too_many_org_owners", "too_old", "user_owned"], r)])
    error_message = join("\n", [for r in var.enforce : "enforce lists ${jsonencode(r)}, which is not a rule: the rules are archived_project_key, expired, expiring_soon, idle, never_used, no_expiry, owner_without_access, service_account_owner, too_many_admin_keys, too_many_keys_per_owner, too_many_org_owners, too_old, user_owned" if !contains(["archived_project_key", "expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "service_account_owner", "too_many_admin_keys", "too_many_keys_per_owner", "too_many_org_owners", "too_old", "user_owned"], r)])
  }
}

variable "exceptions" {
  description = <<-EOT
    Accepted findings, keyed by key id: `{ rules = set(string), reason = string, until = string }`, all three
    required. While active, the exception hides that key's findings for the listed rules (not
    too_many_admin_keys or too_many_org_owners, which concern no key). `until` is a date "YYYY-MM-DD" (active through the end of that day
    in UTC) or an RFC 3339 time (active while now is before it). Once lapsed, it hides nothing and its key id is
    listed in the expired_exceptions output.
  EOT
  type = map(object({
    rules  = optional(set(string))
    reason = optional(string)
    until  = optional(string)
  }))
  default  = {}
  nullable = false

  # One message for every problem of every exception, in the engine's order:
  # by key id, then rules, reason and until.
  validation {
    condition = alltrue([for id, e in var.exceptions : (
      e.rules != null && alltrue([for r in(e.rules == null ? toset([]) : e.rules) : contains(["archived_project_key", "expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "service_account_owner", "too_many_admin_keys", "too_many_keys_per_owner", "too_many_org_owners", "too_old", "user_owned"], r) && !contains(["too_many_admin_keys", "too_many_org_owners"], r)])
      && trimspace(coalesce(e.reason, " ")) != ""
      && (e.until == null ? false : (can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", e.until)) ? can(timecmp("${e.until}T00:00:00Z", "2000-01-01T00:00:00Z")) : can(timecmp(e.until, e.until))))
    )])
    error_message = join("\n", flatten([for id in sort(keys(var.exceptions)) : [
      var.exceptions[id].rules == null ? ["exceptions[${jsonencode(id)}].rules = null: must list the rules whose findings the exception accepts"] : [],
      [for r in(var.exceptions[id].rules == null ? toset([]) : var.exceptions[id].rules) : "exceptions[${jsonencode(id)}].rules lists ${jsonencode(r)}, which is not a rule: the rules are archived_project_key, expired, expiring_soon, idle, never_used, no_expiry, owner_without_access, service_account_owner, too_many_admin_keys, too_many_keys_per_owner, too_many_org_owners, too_old, user_owned" if !contains(["archived_project_key", "expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "service_account_owner", "too_many_admin_keys", "too_many_keys_per_owner", "too_many_org_owners", "too_old", "user_owned"], r)],
      [for r in(var.exceptions[id].rules == null ? toset([]) : var.exceptions[id].rules) : "exceptions[${jsonencode(id)}].rules lists ${jsonencode(r)}, which no exception can list: it concerns the organization, not one key; raise ${r == "too_many_admin_keys" ? "max_admin_keys" : "max_org_owners"} instead" if contains(["too_many_admin_keys", "too_many_org_owners"], r)],
      trimspace(coalesce(var.exceptions[id].reason, " ")) == "" ? ["exceptions[${jsonencode(id)}].reason = ${jsonencode(var.exceptions[id].reason)}: every exception needs a reason, so that the next reader knows why the finding is accepted"] : [],
      (var.exceptions[id].until == null ? false : (can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", var.exceptions[id].until)) ? can(timecmp("${var.exceptions[id].until}T00:00:00Z", "2000-01-01T00:00:00Z")) : can(timecmp(var.exceptions[id].until, var.exceptions[id].until)))) ? [] : ["exceptions[${jsonencode(id)}].until = ${jsonencode(var.exceptions[id].until)}: must be a date such as \"2027-06-30\" (active through the end of that day, UTC) or an RFC 3339 time such as \"2027-06-30T12:00:00Z\""],
    ]]))
  }
}

variable "max_listed_findings" {
  description = "How many findings of each rule the check blocks' warnings, and the enforcement error, list; the rest are counted, and the findings output has them all. A whole number from 0 up."
  type        = number
  default     = 20
  nullable    = false

  validation {
    condition     = var.max_listed_findings >= 0 && floor(var.max_listed_findings) == var.max_listed_findings
    error_message = "max_listed_findings must be a whole number from 0 up, such as 20: how many findings of each rule a warning lists."
  }
}
