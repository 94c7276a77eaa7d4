# Every API key of one project, whether or not its owner still has access.
data "openai_project_api_keys" "production" {
  project_id = "proj_abc"
}

# Every API key of every project.
data "openai_projects" "all" {
  include_archived = true
}

data "openai_project_api_keys" "each" {
  for_each   = toset(data.openai_projects.all.ids)
  project_id = each.value
}

output "project_key_count" {
  value = length(flatten([for listing in data.openai_project_api_keys.each : listing.ids]))
}
