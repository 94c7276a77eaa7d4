locals {
  # Alphabetical: the order of the check blocks and of the findings.
  all_rules     = ["archived_project_key", "expired", "expiring_soon", "idle", "never_used", "no_expiry", "owner_without_access", "service_account_owner", "too_many_admin_keys", "too_many_keys_per_owner", "too_many_org_owners", "too_old", "user_owned"]
  enabled_rules = [for r in local.all_rules : r if contains(var.rules, r)]

  # The rules live in the provider's function, internal/hygiene in Go: one
  # call with the whole inventory. It validates every input but
  # max_listed_findings, with messages that name the input, the value and
  # what is accepted.
  result = provider::openai::key_hygiene(var.keys, {
    now                   = var.now != null ? var.now : plantimestamp()
    max_idle_days         = var.max_idle_days
    never_used_grace_days = var.never_used_grace_days
    rotation_days         = var.rotation_days
    expiry_warning_days   = var.expiry_warning_days
    max_admin_keys        = var.max_admin_keys
    max_keys_per_owner    = var.max_keys_per_owner
    max_org_owners        = var.max_org_owners
    rules                 = var.rules
    enforce               = var.enforce
    exceptions            = var.exceptions
    users                 = var.users
  })
  findings = local.result.findings

  # Findings come sorted by rule, so each enabled rule's are one run of the
  # list, starting after the rules before it: slicing out the first
  # max_listed_findings of each costs nothing per finding, whatever the
  # inventory's size.
  counts = { for r in local.enabled_rules : r => local.result.summary[r] }
  starts = { for i, r in local.enabled_rules : r => sum(concat([0], [for before in slice(local.enabled_rules, 0, i) : local.counts[before]])) }
  listed = { for r in local.enabled_rules : r => slice(local.findings, local.starts[r], local.starts[r] + min(local.counts[r], var.max_listed_findings)) }

  # "rule: key_id (name) in project P: detail", as the policy words its
  # messages; the organization's finding has no key part.
  messages = { for r, fs in local.listed : r => [for f in fs : join("", [
    r, ": ",
    f.key_id == null ? "" : join("", [
      f.key_id,
      f.key_name != null ? " (${f.key_name})" : "",
      f.kind == "project" ? " in project ${try(coalesce(f.project_name, f.project_id), "(unknown)")}" : "",
      ": ",
    ]),
    f.detail,
  ])] }
  # The listed messages of a rule, then how many more the findings output has.
  lines = { for r, ms in local.messages : r => concat(
    [for m in ms : "- ${m}"],
    local.counts[r] > length(ms) ? ["- ... and ${local.counts[r] - length(ms)} more: the findings output has them all."] : [],
  ) }

  # Every rule, enabled or not, so each check block can index its own.
  count_of       = { for r in local.all_rules : r => lookup(local.counts, r, 0) }
  check_messages = { for r in local.all_rules : r => "Key hygiene rule ${r} has ${local.count_of[r]} finding(s):\n${join("\n", lookup(local.lines, r, []))}" }

  # Exceptions that accept nothing: lapsed, or naming no key of the
  # inventory. Each warns, listing at most max_listed_findings of them.
  exception_lines = {
    expired   = [for id in local.result.expired_exceptions : "- exception for ${id}: lapsed (until ${jsonencode(var.exceptions[id].until)}); its findings are back. Renew it with a reason, or fix the key."]
    unmatched = [for id in local.result.unmatched_exceptions : "- exception for ${id}: no key of the inventory has this id (a typo, or a revoked key). Correct the id, or remove the exception."]
  }
  exception_messages = { for kind, ls in local.exception_lines : kind => join("\n", concat(
    slice(ls, 0, min(length(ls), var.max_listed_findings)),
    length(ls) > var.max_listed_findings ? ["- ... and ${length(ls) - var.max_listed_findings} more: the ${kind}_exceptions output has them all."] : [],
  )) }

  enforced       = [for r in local.enabled_rules : r if contains(var.enforce, r) && local.counts[r] > 0]
  enforced_count = sum(concat([0], [for r in local.enforced : local.counts[r]]))
  enforced_lines = flatten([for r in local.enforced : local.lines[r]])
}

# One check per rule, named after it: warnings on every plan (and in HCP
# Terraform's continuous validation) that never block. A disabled rule passes.

check "archived_project_key" {
  assert {
    condition     = local.count_of["archived_project_key"] == 0
    error_message = local.check_messages["archived_project_key"]
  }
}

check "expired" {
  assert {
    condition     = local.count_of["expired"] == 0
    error_message = local.check_messages["expired"]
  }
}

check "expiring_soon" {
  assert {
    condition     = local.count_of["expiring_soon"] == 0
    error_message = local.check_messages["expiring_soon"]
  }
}

check "idle" {
  assert {
    condition     = local.count_of["idle"] == 0
    error_message = local.check_messages["idle"]
  }
}

check "never_used" {
  assert {
    condition     = local.count_of["never_used"] == 0
    error_message = local.check_messages["never_used"]
  }
}

check "no_expiry" {
  assert {
    condition     = local.count_of["no_expiry"] == 0
    error_message = local.check_messages["no_expiry"]
  }
}

check "owner_without_access" {
  assert {
    condition     = local.count_of["owner_without_access"] == 0
    error_message = local.check_messages["owner_without_access"]
  }
}

check "service_account_owner" {
  assert {
    condition     = local.count_of["service_account_owner"] == 0
    error_message = local.check_messages["service_account_owner"]
  }
}

check "too_many_admin_keys" {
  assert {
    condition     = local.count_of["too_many_admin_keys"] == 0
    error_message = local.check_messages["too_many_admin_keys"]
  }
}

check "too_many_keys_per_owner" {
  assert {
    condition     = local.count_of["too_many_keys_per_owner"] == 0
    error_message = local.check_messages["too_many_keys_per_owner"]
  }
}

check "too_many_org_owners" {
  assert {
    condition     = local.count_of["too_many_org_owners"] == 0
    error_message = local.check_messages["too_many_org_owners"]
  }
}

check "too_old" {
  assert {
    condition     = local.count_of["too_old"] == 0
    error_message = local.check_messages["too_old"]
  }
}

check "user_owned" {
  assert {
    condition     = local.count_of["user_owned"] == 0
    error_message = local.check_messages["user_owned"]
  }
}

# Exceptions that accept nothing warn too, so that a lapsed end date or a
# mistyped key id is seen, not silently ignored. Never blocking.

check "expired_exceptions" {
  assert {
    condition     = length(local.result.expired_exceptions) == 0
    error_message = "${length(local.result.expired_exceptions)} key hygiene exception(s) have lapsed:\n${local.exception_messages["expired"]}"
  }
}

check "unmatched_exceptions" {
  assert {
    condition     = length(local.result.unmatched_exceptions) == 0
    error_message = "${length(local.result.unmatched_exceptions)} key hygiene exception(s) name no key of the inventory:\n${local.exception_messages["unmatched"]}"
  }
}
