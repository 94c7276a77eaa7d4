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
}

variable "max_idle_days" {
  description = "Rule idle: a key last used more than this many days before now is a finding (strictly more). A whole number from 0 to 36500."
  type        = number
  default     = 90
  nullable    = false
}

variable "never_used_grace_days" {
  description = "Rule never_used: a key never used and created more than this many days before now is a finding (strictly more). A whole number from 0 to 36500."
  type        = number
  default     = 7
  nullable    = false
}

variable "rotation_days" {
  description = "Rule too_old: a key created more than this many days before now is a finding (strictly more). A whole number from 0 to 36500."
  type        = number
  default     = 365
  nullable    = false
}

variable "expiry_warning_days" {
  description = "Rule expiring_soon: a key that expires now or within this many days after now is a finding (both ends included). A whole number from 0 to 36500."
  type        = number
  default     = 14
  nullable    = false
}

variable "max_admin_keys" {
  description = "Rule too_many_admin_keys: more admin keys than this is one finding for the organization (strictly more). Null (the default) means no cap."
  type        = number
  default     = null
}

variable "max_keys_per_owner" {
  description = "Rule too_many_keys_per_owner: every key of an owner that holds more than this many keys in one project, or, for admin keys, in the organization, is a finding (strictly more; owners are told apart by id). Null (the default) turns the rule off."
  type        = number
  default     = null
}

variable "max_org_owners" {
  description = "Rule too_many_org_owners: more users with the owner role than this is one finding for the organization (strictly more), naming them. Needs users. Null (the default) turns the rule off."
  type        = number
  default     = null
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
}

variable "rules" {
  description = "The rules to evaluate: archived_project_key, expired, expiring_soon, idle, never_used, no_expiry, owner_without_access, service_account_owner, too_many_admin_keys, too_many_keys_per_owner, too_many_org_owners, too_old, user_owned. Default: all of them (the ones with a null threshold find nothing)."
  type        = set(string)
  default     = ["archived_project_key", "expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "service_account_owner", "too_many_admin_keys", "too_many_keys_per_owner", "too_many_org_owners", "too_old", "user_owned"]
  nullable    = false
}

variable "enforce" {
  description = "The rules whose findings block the plan (an error on the findings output) instead of only warning. A rule must also be in rules to have findings. Default: none."
  type        = set(string)
  default     = []
  nullable    = false
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
