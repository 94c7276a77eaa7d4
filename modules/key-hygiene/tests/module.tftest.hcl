# What the module itself adds to the rules: a check block per rule, the
# enforcement precondition, and the listing of findings in their messages.
# The rules, their boundaries, the exceptions, the inventory's shapes and the
# refusal of bad inputs are the case corpus's (internal/hygiene/testdata/cases),
# which internal/e2e runs through this module with the real terraform.

variables {
  now = "2026-11-28T12:00:00Z"
  keys = [
    # no_expiry and user_owned.
    { id = "key_admin", name = "ada-laptop", created_at_rfc3339 = "2026-11-01T00:00:00Z", last_used_at_rfc3339 = "2026-11-27T00:00:00Z",
    owner = { type = "user", id = "user_1", name = "Ada Lovelace" } },
    # owner_without_access.
    { id                 = "key_project", name = "prod-backend", kind = "project", project_id = "proj_1", project_name = "Production", owner_project_access = "inactive",
      created_at_rfc3339 = "2026-11-01T00:00:00Z", last_used_at_rfc3339 = "2026-11-27T00:00:00Z",
    owner = { type = "service_account", id = "sa_1", name = "deploy-bot" } },
  ]
}

run "each_rule_warns_in_its_own_check" {
  command         = plan
  expect_failures = [check.no_expiry, check.user_owned, check.owner_without_access]

  assert {
    condition     = [for f in output.findings : "${f.rule}/${f.key_id}"] == ["no_expiry/key_admin", "owner_without_access/key_project", "user_owned/key_admin"]
    error_message = "Every rule runs by default: ${jsonencode([for f in output.findings : "${f.rule}/${f.key_id}"])}"
  }
  assert {
    condition     = local.check_messages["owner_without_access"] == "Key hygiene rule owner_without_access has 1 finding(s):\n- owner_without_access: key_project (prod-backend) in project Production: owner deploy-bot no longer has access to project Production"
    error_message = "The warning names the key, its name and project, and why: ${local.check_messages["owner_without_access"]}"
  }
  assert {
    condition     = output.summary == tomap({ archived_project_key = 0, expired = 0, expiring_soon = 0, idle = 0, never_used = 0, no_expiry = 1, owner_without_access = 1, service_account_owner = 0, too_many_admin_keys = 0, too_many_keys_per_owner = 0, too_many_org_owners = 0, too_old = 0, user_owned = 1 }) && !output.passed
    error_message = "The summary counts every enabled rule."
  }
}

run "a_disabled_rule_passes_its_check" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    rules = ["user_owned", "idle"]
  }

  assert {
    condition     = output.summary == tomap({ idle = 0, user_owned = 1 })
    error_message = "The summary lists the enabled rules only."
  }
}

run "the_organization_finding_has_no_key_part" {
  command         = plan
  expect_failures = [check.too_many_admin_keys]

  variables {
    rules          = ["too_many_admin_keys"]
    max_admin_keys = 0
  }

  assert {
    condition     = local.check_messages["too_many_admin_keys"] == "Key hygiene rule too_many_admin_keys has 1 finding(s):\n- too_many_admin_keys: 1 admin keys, more than max_admin_keys = 0"
    error_message = local.check_messages["too_many_admin_keys"]
  }
}

run "the_organization_owners_finding_names_them" {
  command         = plan
  expect_failures = [check.too_many_org_owners, check.owner_without_access]

  variables {
    rules          = ["too_many_org_owners", "owner_without_access"]
    max_org_owners = 0
    # As data.openai_users lists them: attributes beyond id, name, email and
    # role are dropped by the input's type.
    users = [{ id = "user_2", name = "Grace Hopper", email = "grace@example.com", role = "owner", added_at = 1700000000, is_service_account = false }]
  }

  assert {
    condition     = local.check_messages["too_many_org_owners"] == "Key hygiene rule too_many_org_owners has 1 finding(s):\n- too_many_org_owners: 1 organization owners, more than max_org_owners = 0: grace@example.com"
    error_message = local.check_messages["too_many_org_owners"]
  }
  assert {
    # Ada (user_1) owns key_admin but is not among the users.
    condition     = [for f in output.findings : "${f.rule}/${coalesce(f.key_id, "-")}/${coalesce(f.kind, "-")}"] == ["owner_without_access/key_admin/admin", "owner_without_access/key_project/project", "too_many_org_owners/-/-"]
    error_message = jsonencode(output.findings)
  }
}

run "an_enforced_rule_blocks_the_plan" {
  command = plan

  variables {
    enforce = ["owner_without_access"]
  }

  expect_failures = [output.findings, check.no_expiry, check.user_owned, check.owner_without_access]
}

run "an_enforced_rule_without_findings_passes" {
  command         = plan
  expect_failures = [check.no_expiry, check.user_owned, check.owner_without_access]

  variables {
    enforce = ["expired", "idle"]
  }

  assert {
    condition     = local.enforced_count == 0
    error_message = "Nothing to block."
  }
}

run "an_active_exception_keeps_an_enforced_rule_from_blocking" {
  command         = plan
  expect_failures = [check.no_expiry, check.user_owned]

  variables {
    enforce    = ["owner_without_access"]
    exceptions = { key_project = { rules = ["owner_without_access"], reason = "Handed over to the platform team this week.", until = "2026-12-05" } }
  }

  assert {
    condition     = output.summary.owner_without_access == 0
    error_message = "An active exception keeps an enforced rule from blocking."
  }
}

run "a_lapsed_exception_blocks_again" {
  command = plan

  variables {
    enforce    = ["owner_without_access"]
    exceptions = { key_project = { rules = ["owner_without_access"], reason = "Handed over to the platform team this week.", until = "2026-11-27" } }
  }

  expect_failures = [output.findings, check.no_expiry, check.user_owned, check.owner_without_access, check.expired_exceptions]
}

run "lapsed_and_unmatched_exceptions_warn" {
  command         = plan
  expect_failures = [check.no_expiry, check.owner_without_access, check.expired_exceptions, check.unmatched_exceptions]

  variables {
    exceptions = {
      key_admin   = { rules = ["user_owned"], reason = "Ada's key until the CI account takes over.", until = "2027-01-31" }
      key_admni   = { rules = ["no_expiry"], reason = "Meant for key_admin, mistyped.", until = "2027-01-31" }
      key_project = { rules = ["idle"], reason = "Handed over to the platform team.", until = "2026-11-27" }
      key_revoked = { rules = ["idle"], reason = "Revoked in October.", until = "2026-10-31" }
    }
  }

  assert {
    condition     = output.expired_exceptions == tolist(["key_project", "key_revoked"]) && output.unmatched_exceptions == tolist(["key_admni", "key_revoked"])
    error_message = "expired ${jsonencode(output.expired_exceptions)}, unmatched ${jsonencode(output.unmatched_exceptions)}"
  }
  assert {
    condition     = local.exception_messages["unmatched"] == "- exception for key_admni: no key of the inventory has this id (a typo, or a revoked key). Correct the id, or remove the exception.\n- exception for key_revoked: no key of the inventory has this id (a typo, or a revoked key). Correct the id, or remove the exception."
    error_message = local.exception_messages["unmatched"]
  }
  assert {
    condition     = startswith(local.exception_messages["expired"], "- exception for key_project: lapsed (until \"2026-11-27\"); its findings are back.")
    error_message = local.exception_messages["expired"]
  }
}

run "exception_warnings_list_at_most_max_listed_findings" {
  command         = plan
  expect_failures = [check.no_expiry, check.user_owned, check.owner_without_access, check.unmatched_exceptions]

  variables {
    max_listed_findings = 1
    exceptions = {
      key_x = { rules = ["idle"], reason = "Gone.", until = "2027-01-31" }
      key_y = { rules = ["idle"], reason = "Gone.", until = "2027-01-31" }
      key_z = { rules = ["idle"], reason = "Gone.", until = "2027-01-31" }
    }
  }

  assert {
    condition     = local.exception_messages["unmatched"] == "- exception for key_x: no key of the inventory has this id (a typo, or a revoked key). Correct the id, or remove the exception.\n- ... and 2 more: the unmatched_exceptions output has them all."
    error_message = local.exception_messages["unmatched"]
  }
}

# Settings a caller gets wrong are refused at the caller's argument, by the
# variable's validation, in the engine's words (the corpus checks the words).
run "bad_settings_are_refused_at_the_variables" {
  command = plan

  variables {
    max_idle_days  = -1
    max_admin_keys = 2.5
    rules          = ["idle", "idel"]
    enforce        = ["expierd"]
    exceptions     = { key_admin = { rules = ["too_many_admin_keys"], reason = " ", until = "next year" } }
    users          = [{ id = "" }]
    now            = "yesterday"
  }

  expect_failures = [var.max_idle_days, var.max_admin_keys, var.rules, var.enforce, var.exceptions, var.users, var.now]
}

run "an_enforced_rule_that_is_disabled_does_not_block" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    rules   = ["user_owned"]
    enforce = ["owner_without_access"]
  }

  assert {
    condition     = local.enforced_count == 0
    error_message = "A disabled rule has no findings to enforce."
  }
}

run "now_defaults_to_the_plan_time" {
  command         = plan
  expect_failures = [check.expired]

  variables {
    now   = null
    rules = ["expired"]
    # Expired in 2000: expired whenever the plan runs.
    keys = [{ id = "key_old", created_at_rfc3339 = "1999-01-01T00:00:00Z", expires_at_rfc3339 = "2000-01-01T00:00:00Z" }]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_old"]
    error_message = "With now null, the rules run at the plan's time."
  }
}

# 25 user-owned keys: the warning and the enforcement error list 20, then
# count the rest; the findings output has all 25.
run "messages_list_at_most_max_listed_findings" {
  command = plan

  variables {
    rules   = ["never_used", "user_owned"]
    enforce = ["user_owned"]
    keys = [for i in range(25) : {
      id                 = format("key_%02d", i)
      created_at_rfc3339 = "2026-11-27T00:00:00Z"
      owner              = { type = "user", id = "user_1", email = "ada@example.com" }
    }]
  }

  expect_failures = [output.findings, check.user_owned]

  assert {
    condition     = length(local.findings) == 25 && length(local.lines["user_owned"]) == 21
    error_message = "20 listed and one line for the rest: ${length(local.lines["user_owned"])} lines."
  }
  assert {
    condition     = local.lines["user_owned"][19] == "- user_owned: key_19: owned by user ada@example.com" && local.lines["user_owned"][20] == "- ... and 5 more: the findings output has them all."
    error_message = jsonencode(slice(local.lines["user_owned"], 18, 21))
  }
  assert {
    condition     = startswith(local.check_messages["user_owned"], "Key hygiene rule user_owned has 25 finding(s):\n- user_owned: key_00: ")
    error_message = local.check_messages["user_owned"]
  }
  assert {
    condition     = local.enforced_count == 25 && length(local.enforced_lines) == 21
    error_message = "The enforcement error counts all 25 and lists 20."
  }
}

run "max_listed_findings_0_lists_none" {
  command         = plan
  expect_failures = [check.no_expiry, check.user_owned, check.owner_without_access]

  variables {
    max_listed_findings = 0
  }

  assert {
    condition     = local.check_messages["user_owned"] == "Key hygiene rule user_owned has 1 finding(s):\n- ... and 1 more: the findings output has them all."
    error_message = local.check_messages["user_owned"]
  }
}

run "max_listed_findings_must_be_a_whole_number" {
  command = plan

  variables {
    max_listed_findings = 2.5
  }

  expect_failures = [var.max_listed_findings]
}
