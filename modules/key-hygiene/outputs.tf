output "findings" {
  description = "Every finding after exceptions, sorted by rule, then key id: { rule, key_id, kind, key_name, project_id, project_name, owner, detail }. too_many_admin_keys and too_many_org_owners have one finding for the organization, with a null key_id (and, for too_many_org_owners, a null kind)."
  value       = local.findings

  # Enforced rules block the plan here; the check blocks only warn.
  precondition {
    condition     = local.enforced_count == 0
    error_message = "Key hygiene rules enforced by this configuration (${join(", ", sort(var.enforce))}) have ${local.enforced_count} finding(s):\n${join("\n", local.enforced_lines)}\nFix the keys, or accept a key's finding with an exception that has a reason and an end date."
  }
}

output "summary" {
  description = "The number of findings of every enabled rule, after exceptions (0 when clean)."
  value       = local.result.summary
}

output "passed" {
  description = "True when there are no findings after exceptions."
  value       = local.result.passed
}

output "expired_exceptions" {
  description = "The sorted key ids whose exception has lapsed: their findings are back. Renew the exception or fix the key."
  value       = local.result.expired_exceptions
}

output "unmatched_exceptions" {
  description = "The sorted key ids of exceptions, lapsed or not, that name no key of the inventory: a mistyped id, or a key revoked since. They accept nothing: correct the id, or remove the exception."
  value       = local.result.unmatched_exceptions
}
