# Every API key of the organization, admin and project, in one list.
data "openai_api_keys" "all" {
  include_archived_projects = true
}

locals {
  # Project keys whose owner lost access to the project still work: find them.
  orphaned_keys = [
    for k in data.openai_api_keys.all.keys : "${coalesce(k.project_name, k.project_id)}/${k.id}"
    if k.kind == "project" && k.owner_project_access == "inactive"
  ]
}

check "no_keys_of_departed_owners" {
  assert {
    condition     = length(local.orphaned_keys) == 0
    error_message = "API keys whose owner no longer has access to the project: ${join(", ", local.orphaned_keys)}."
  }
}

output "key_count_by_kind" {
  value = {
    admin   = length([for k in data.openai_api_keys.all.keys : k if k.kind == "admin"])
    project = length([for k in data.openai_api_keys.all.keys : k if k.kind == "project"])
  }
}
