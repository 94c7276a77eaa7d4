variable "max_idle_days" {
  description = "Rule idle: keys last used more than this many days ago."
  type        = number
  default     = 90
}

variable "never_used_grace_days" {
  description = "Rule never_used: keys never used and created more than this many days ago."
  type        = number
  default     = 7
}

variable "rotation_days" {
  description = "Rule too_old: keys created more than this many days ago."
  type        = number
  default     = 365
}

variable "expiry_warning_days" {
  description = "Rule expiring_soon: keys that expire within this many days."
  type        = number
  default     = 14
}

variable "max_admin_keys" {
  description = "Rule too_many_admin_keys, enforced here: more admin keys than this blocks the plan."
  type        = number
  default     = 25
}

variable "max_keys_per_owner" {
  description = "Rule too_many_keys_per_owner: an owner with more keys than this in one project (or more admin keys) is a finding for each. Two allows one rotation at a time."
  type        = number
  default     = 2
}

variable "max_org_owners" {
  description = "Rule too_many_org_owners: more organization owners than this is a finding."
  type        = number
  default     = 2
}
