# Every admin API key of the organization, oldest first: the keys of the
# admin key listing that no project lists.
data "openai_admin_api_keys" "all" {
  exclude_project_keys = true
}

# The admin key listing as the API gives it, newest first. The API describes
# it as "all organization and project API keys": it may hold every project's
# keys too, each labelled as an admin key.
data "openai_admin_api_keys" "listing" {
  order = "desc"
}

output "admin_key_count" {
  value = length(data.openai_admin_api_keys.all.ids)
}

output "never_used_admin_keys" {
  value = [for k in data.openai_admin_api_keys.all.keys : k.id if k.last_used_at == null]
}
