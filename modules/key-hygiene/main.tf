locals {
  # Alphabetical: findings sort by rule name.
  all_rules     = ["expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "too_many_admin_keys", "too_old", "user_owned"]
  enabled_rules = [for r in local.all_rules : r if contains(var.rules, r)]

  now   = var.now != null ? var.now : plantimestamp()
  today = substr(local.now, 0, 10)

  # D(x) = x * 86400 seconds. timeadd and timecmp compare instants, so
  # offsets other than Z still compare correctly.
  never_used_before = timeadd(local.now, "-${var.never_used_grace_days * 24}h")
  idle_before       = timeadd(local.now, "-${var.max_idle_days * 24}h")
  old_before        = timeadd(local.now, "-${var.rotation_days * 24}h")
  warn_until        = timeadd(local.now, "${var.expiry_warning_days * 24}h")

  # Sorted by id (keys() sorts), input order kept among duplicate ids.
  keys_by_id = { for k in var.keys : k.id => k... }
  keys = flatten([for id in keys(local.keys_by_id) : [for k in local.keys_by_id[id] : {
    kind       = k.kind != null ? k.kind : "admin"
    owner_type = k.owner != null ? k.owner.type : null
    access     = k.owner_project_access
    created    = k.created_at_rfc3339
    last_used  = k.last_used_at_rfc3339
    expires    = k.expires_at_rfc3339
    # For details: "(unknown)" only when a hand-made inventory lacks them.
    owner_text   = try(coalesce(k.owner.email, k.owner.name, k.owner.id), "(unknown)")
    project_text = try(coalesce(k.project_name, k.project_id), "(unknown)")
    # The fields every finding of this key carries.
    finding = {
      key_id       = k.id
      kind         = k.kind != null ? k.kind : "admin"
      key_name     = k.name
      project_id   = k.project_id
      project_name = k.project_name
      # The first non-null, non-empty of email, name and id (coalesce skips "").
      owner = try(coalesce(k.owner.email, k.owner.name, k.owner.id), null)
    }
  }]])

  admin_key_count = length([for k in local.keys : k if k.kind == "admin"])

  # Findings per rule, before exceptions. The detail texts are shared word for
  # word with the OPA policy: change both or neither. timecmp rejects null,
  # and HCL evaluates both branches of a conditional, so a null time is
  # replaced by one that compares equal to the bound instead.
  key_hits = {
    expired = [for k in local.keys : merge(k.finding, { rule = "expired", detail = "expired ${substr(k.expires, 0, 10)}, before ${local.today}" })
    if timecmp(coalesce(k.expires, local.now), local.now) < 0]
    expiring_soon = [for k in local.keys : merge(k.finding, { rule = "expiring_soon", detail = "expires ${substr(k.expires, 0, 10)}, within ${var.expiry_warning_days} days of ${local.today}" })
    if k.expires != null && timecmp(local.now, coalesce(k.expires, local.now)) <= 0 && timecmp(coalesce(k.expires, local.now), local.warn_until) <= 0]
    idle = [for k in local.keys : merge(k.finding, { rule = "idle", detail = "last used ${substr(k.last_used, 0, 10)}, more than ${var.max_idle_days} days before ${local.today}" })
    if timecmp(coalesce(k.last_used, local.idle_before), local.idle_before) < 0]
    never_used = [for k in local.keys : merge(k.finding, { rule = "never_used", detail = "never used; created ${substr(k.created, 0, 10)}, more than ${var.never_used_grace_days} days before ${local.today}" })
    if k.last_used == null && timecmp(k.created, local.never_used_before) < 0]
    no_expiry = [for k in local.keys : merge(k.finding, { rule = "no_expiry", detail = "admin key with no expiry date" })
    if k.kind == "admin" && k.expires == null]
    owner_without_access = [for k in local.keys : merge(k.finding, { rule = "owner_without_access", detail = "owner ${k.owner_text} no longer has access to project ${k.project_text}" })
    if k.kind == "project" && k.access == "inactive"]
    too_old = [for k in local.keys : merge(k.finding, { rule = "too_old", detail = "created ${substr(k.created, 0, 10)}, more than ${var.rotation_days} days before ${local.today}" })
    if timecmp(k.created, local.old_before) < 0]
    user_owned = [for k in local.keys : merge(k.finding, { rule = "user_owned", detail = "owned by user ${k.owner_text}" })
    if k.owner_type == "user"]
  }

  # A date means through the end of that day in UTC.
  exception_ends = { for id, e in var.exceptions : id => (
    can(regex("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", e.until)) ? timeadd("${e.until}T00:00:00Z", "24h") : e.until
  ) }
  active_exceptions  = { for id, e in var.exceptions : id => e.rules if timecmp(local.now, local.exception_ends[id]) < 0 }
  expired_exceptions = sort([for id, e in var.exceptions : id if timecmp(local.now, local.exception_ends[id]) >= 0])

  key_findings = { for rule, hits in local.key_hits : rule => [
    for f in hits : f if !contains(lookup(local.active_exceptions, f.key_id, []), rule)
  ] }

  org_findings = {
    too_many_admin_keys = var.max_admin_keys == null ? [] : local.admin_key_count <= var.max_admin_keys ? [] : [{
      rule         = "too_many_admin_keys"
      key_id       = tostring(null)
      kind         = "admin"
      key_name     = tostring(null)
      project_id   = tostring(null)
      project_name = tostring(null)
      owner        = tostring(null)
      detail       = "${local.admin_key_count} admin keys, more than max_admin_keys = ${var.max_admin_keys}"
    }]
  }

  all_findings = { for rule in local.enabled_rules : rule => concat(lookup(local.key_findings, rule, []), lookup(local.org_findings, rule, [])) }
  # Identical findings count once, as in the policy's set. They need the same
  # key id, so the costly grouping and distinct() only run when some id is
  # listed twice; then the grouping keeps them sorted by key id.
  duplicate_ids = [for id, ks in local.keys_by_id : id if length(ks) > 1]
  deduplicated = { for rule, fs in local.all_findings : rule => flatten([
    for id, group in { for f in fs : f.key_id != null ? f.key_id : "" => f... } : distinct(group)
  ]) if length(local.duplicate_ids) > 0 }
  findings_by_rule = { for rule, fs in local.all_findings : rule => lookup(local.deduplicated, rule, fs) }
  findings         = flatten([for rule in local.enabled_rules : local.findings_by_rule[rule]])

  # "rule: key_id (name) in project P: detail", as the policy words its
  # messages; the organization's finding has no key part.
  messages = { for rule in local.enabled_rules : rule => [for f in local.findings_by_rule[rule] : join("", [
    rule, ": ",
    f.key_id == null ? "" : join("", [
      f.key_id,
      f.key_name != null ? " (${f.key_name})" : "",
      f.kind == "project" ? " in project ${try(coalesce(f.project_name, f.project_id), "(unknown)")}" : "",
      ": ",
    ]),
    f.detail,
  ])] }

  # Every rule, enabled or not, so each check block can index its own.
  warnings       = { for rule in local.all_rules : rule => lookup(local.messages, rule, []) }
  check_messages = { for rule, ms in local.warnings : rule => "Key hygiene rule ${rule} has ${length(ms)} finding(s):\n${join("\n", [for m in ms : "- ${m}"])}" }

  enforced_messages = flatten([for rule in local.enabled_rules : local.messages[rule] if contains(var.enforce, rule)])
}

# One check per rule, named after it: warnings on every plan (and in HCP
# Terraform's continuous validation) that never block. A disabled rule passes.

check "expired" {
  assert {
    condition     = length(local.warnings["expired"]) == 0
    error_message = local.check_messages["expired"]
  }
}

check "expiring_soon" {
  assert {
    condition     = length(local.warnings["expiring_soon"]) == 0
    error_message = local.check_messages["expiring_soon"]
  }
}

check "idle" {
  assert {
    condition     = length(local.warnings["idle"]) == 0
    error_message = local.check_messages["idle"]
  }
}

check "never_used" {
  assert {
    condition     = length(local.warnings["never_used"]) == 0
    error_message = local.check_messages["never_used"]
  }
}

check "no_expiry" {
  assert {
    condition     = length(local.warnings["no_expiry"]) == 0
    error_message = local.check_messages["no_expiry"]
  }
}

check "owner_without_access" {
  assert {
    condition     = length(local.warnings["owner_without_access"]) == 0
    error_message = local.check_messages["owner_without_access"]
  }
}

check "too_many_admin_keys" {
  assert {
    condition     = length(local.warnings["too_many_admin_keys"]) == 0
    error_message = local.check_messages["too_many_admin_keys"]
  }
}

check "too_old" {
  assert {
    condition     = length(local.warnings["too_old"]) == 0
    error_message = local.check_messages["too_old"]
  }
}

check "user_owned" {
  assert {
    condition     = length(local.warnings["user_owned"]) == 0
    error_message = local.check_messages["user_owned"]
  }
}
