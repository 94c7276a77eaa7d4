# One admin API key by id.
data "openai_admin_api_key" "ci" {
  id = "key_abc"
}

output "ci_key_last_used" {
  value = coalesce(data.openai_admin_api_key.ci.last_used_at_rfc3339, "never")
}
