variable "allowed_residencies" {
  description = "Where active projects may keep their data."
  type        = set(string)
  default     = ["EU_STORAGE_PROCESSING"]
}

data "openai_projects" "active" {}

locals {
  # A null residency is not allowed: the region is unknown.
  misplaced_projects = [
    for p in data.openai_projects.active.projects : "${coalesce(p.name, p.id)} (${coalesce(p.residency, "unknown")})"
    if p.status == "active" && !contains(var.allowed_residencies, coalesce(p.residency, "unknown"))
  ]
}

check "projects_in_allowed_residency" {
  assert {
    condition     = length(local.misplaced_projects) == 0
    error_message = "Active projects outside ${join(", ", var.allowed_residencies)}: ${join(", ", local.misplaced_projects)}."
  }
}
