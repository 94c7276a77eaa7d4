# One openai_project_api_keys per project, flattened into one list that keeps
# each key's project. (openai_api_keys gives the same list in one data source.)
data "openai_projects" "all" {
  include_archived = true
}

data "openai_project_api_keys" "each" {
  for_each   = toset(data.openai_projects.all.ids)
  project_id = each.value
}

locals {
  project_names = { for p in data.openai_projects.all.projects : p.id => coalesce(p.name, p.id) }
  project_keys = flatten([
    for project_id, listing in data.openai_project_api_keys.each : [
      for k in listing.keys : merge(k, { project_id = project_id, project_name = local.project_names[project_id] })
    ]
  ])
  never_used_project_keys = [for k in local.project_keys : "${k.project_name}/${k.id}" if k.last_used_at == null]
}

check "project_keys_never_used" {
  assert {
    condition     = length(local.never_used_project_keys) == 0
    error_message = "Project API keys that were never used: ${join(", ", local.never_used_project_keys)}."
  }
}
