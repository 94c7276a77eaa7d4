# The organization-wide inventory: every API key of every project, archived
# projects included, flattened into one list.

data "openai_projects" "all" {
  include_archived = true
}

data "openai_project_api_keys" "each" {
  for_each   = toset(data.openai_projects.all.ids)
  project_id = each.value
}

locals {
  project_names = { for p in data.openai_projects.all.projects : p.id => p.name }
  project_keys = flatten([
    for project_id, listing in data.openai_project_api_keys.each : [
      for k in listing.keys : merge(k, { project_id = project_id })
    ]
  ])

  stale_project_keys = [for k in local.project_keys : "${local.project_names[k.project_id]}/${k.id}"
  if timecmp(coalesce(k.last_used_at_rfc3339, plantimestamp()), local.idle_since) < 0]
  never_used_project_keys = [for k in local.project_keys : "${local.project_names[k.project_id]}/${k.id}" if k.last_used_at == null]
  user_owned_project_keys = [for k in local.project_keys : "${local.project_names[k.project_id]}/${k.id} (${coalesce(k.owner.email, k.owner.name, k.owner.id)})"
  if k.owner.type == "user"]
}

check "project_keys_unused_for_90_days" {
  assert {
    condition     = length(local.stale_project_keys) == 0
    error_message = "Project API keys not used for ${var.max_idle_days} days: ${join(", ", local.stale_project_keys)}."
  }
}

check "project_keys_never_used" {
  assert {
    condition     = length(local.never_used_project_keys) == 0
    error_message = "Project API keys that were never used: ${join(", ", local.never_used_project_keys)}."
  }
}

check "no_user_owned_project_keys" {
  assert {
    condition     = length(local.user_owned_project_keys) == 0
    error_message = "Project API keys owned by people rather than service accounts: ${join(", ", local.user_owned_project_keys)}."
  }
}

output "project_keys" {
  description = "The inventory: one line per project API key."
  value = [for k in local.project_keys : format("%-18s %-20s %-20s owner=%s:%s access=%s last_used=%s",
    local.project_names[k.project_id], k.id, coalesce(k.name, "(no name)"), k.owner.type, coalesce(k.owner.name, "?"),
  k.owner_project_access, coalesce(k.last_used_at_rfc3339, "never"))]
}
