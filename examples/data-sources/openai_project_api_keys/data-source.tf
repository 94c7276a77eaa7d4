# Every API key of one project, whether or not its owner still has access.
data "openai_project_api_keys" "production" {
  project_id = "proj_abc"
}

output "production_keys_never_used" {
  value = [for k in data.openai_project_api_keys.production.keys : k.id if k.last_used_at == null]
}
