output "inventory" {
  description = "One line per key: kind, id, name, project, owner, last use and expiry."
  value = [for k in data.openai_api_keys.all.keys : format(
    "%-7s %-20s %-18s %-16s owner=%s last_used=%s expires=%s",
    k.kind,
    k.id,
    coalesce(k.name, "(no name)"),
    coalesce(k.project_name, k.project_id, "-"),
    coalesce(k.owner.email, k.owner.name, k.owner.id, "?"),
    k.last_used_at_rfc3339 != null ? substr(k.last_used_at_rfc3339, 0, 10) : "never",
    k.expires_at_rfc3339 != null ? substr(k.expires_at_rfc3339, 0, 10) : "never",
  )]
}

output "key_counts" {
  description = "How many keys of each kind the inventory holds, each key once."
  value = {
    admin   = length([for k in data.openai_api_keys.all.keys : k if k.kind == "admin"])
    project = length([for k in data.openai_api_keys.all.keys : k if k.kind == "project"])
  }
}

output "findings" {
  description = "Every finding after exceptions: rule, key, owner and why."
  value       = module.key_hygiene.findings
}

output "expired_exceptions" {
  description = "Keys whose exception has lapsed: renew it or fix the key."
  value       = module.key_hygiene.expired_exceptions
}

output "passed" {
  description = "True when no rule has a finding."
  value       = module.key_hygiene.passed
}

output "summary" {
  description = "The number of findings of each rule."
  value       = module.key_hygiene.summary
}

output "hygiene_settings" {
  description = "The settings the module applied, for a policy that reads the plan's JSON."
  value       = local.hygiene
}
