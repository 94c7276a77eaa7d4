# Every admin API key of the organization, oldest first.
data "openai_admin_api_keys" "all" {}

# Newest first.
data "openai_admin_api_keys" "newest_first" {
  order = "desc"
}

output "admin_key_count" {
  value = length(data.openai_admin_api_keys.all.ids)
}

output "never_used_admin_keys" {
  value = [for k in data.openai_admin_api_keys.all.keys : k.id if k.last_used_at == null]
}
