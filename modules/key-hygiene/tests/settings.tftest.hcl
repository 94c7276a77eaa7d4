# rules, enforce, empty input, defaults, and the validation of every input.

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

run "empty_inventory_is_clean" {
  command = plan

  variables {
    keys           = []
    max_admin_keys = 0
  }

  assert {
    condition     = length(output.findings) == 0 && output.passed && length(output.expired_exceptions) == 0
    error_message = "No keys, no findings."
  }
  assert {
    condition = output.summary == tomap({
      expired              = 0, expiring_soon = 0, idle = 0, never_used = 0, no_expiry = 0,
      owner_without_access = 0, too_many_admin_keys = 0, too_old = 0, user_owned = 0,
    })
    error_message = "The summary must list every enabled rule (all nine by default) with 0."
  }
}

run "all_rules_by_default" {
  command         = plan
  expect_failures = [check.no_expiry, check.user_owned, check.owner_without_access]

  assert {
    condition     = [for f in output.findings : "${f.rule}/${f.key_id}"] == ["no_expiry/key_admin", "owner_without_access/key_project", "user_owned/key_admin"]
    error_message = "By default every rule runs: ${jsonencode([for f in output.findings : "${f.rule}/${f.key_id}"])}"
  }
  assert {
    condition     = output.summary.no_expiry == 1 && output.summary.user_owned == 1 && output.summary.owner_without_access == 1 && output.summary.idle == 0 && length(output.summary) == 9
    error_message = "The summary must count each rule."
  }
  assert {
    condition     = !output.passed
    error_message = "Findings mean not passed."
  }
}

run "rules_restricts_findings_and_summary" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    rules = ["user_owned", "idle"]
  }

  assert {
    condition     = [for f in output.findings : f.rule] == ["user_owned"] && output.summary == tomap({ idle = 0, user_owned = 1 })
    error_message = "Only enabled rules produce findings and summary entries."
  }
}

run "no_rules_pass" {
  command = plan

  variables {
    rules = []
  }

  assert {
    condition     = length(output.findings) == 0 && output.summary == tomap({}) && output.passed
    error_message = "With no rules there is nothing to find."
  }
}

run "enforced_rule_blocks_the_plan" {
  command = plan

  variables {
    enforce = ["owner_without_access"]
  }

  # The precondition on the findings output fails; the checks still warn.
  expect_failures = [output.findings, check.no_expiry, check.user_owned, check.owner_without_access]
}

run "enforced_rule_without_findings_passes" {
  command         = plan
  expect_failures = [check.no_expiry, check.user_owned, check.owner_without_access]

  variables {
    enforce = ["expired", "idle"]
  }

  assert {
    condition     = length(output.findings) == 3
    error_message = "Rules without findings do not block, and the plan shows the warnings."
  }
}

run "enforced_rule_excepted_passes" {
  command         = plan
  expect_failures = [check.no_expiry, check.user_owned]

  variables {
    enforce    = ["owner_without_access"]
    exceptions = { key_project = { rules = ["owner_without_access"], reason = "Ownership moves to deploy-bot this week.", until = "2026-12-05" } }
  }

  assert {
    condition     = output.summary.owner_without_access == 0
    error_message = "An active exception keeps an enforced rule from blocking."
  }
}

run "enforced_rule_lapsed_exception_blocks" {
  command = plan

  variables {
    enforce    = ["owner_without_access"]
    exceptions = { key_project = { rules = ["owner_without_access"], reason = "Ownership was to move last week.", until = "2026-11-27" } }
  }

  expect_failures = [output.findings, check.no_expiry, check.user_owned, check.owner_without_access]
}

run "enforced_rule_that_is_disabled_does_not_block" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    rules   = ["user_owned"]
    enforce = ["owner_without_access"]
  }

  assert {
    condition     = output.summary == tomap({ user_owned = 1 })
    error_message = "A rule must be in rules to have findings."
  }
}

run "now_defaults_to_the_plan_time" {
  command = plan

  variables {
    now   = null
    rules = ["expired", "expiring_soon"]
    keys = [
      { id = "key_long_gone", created_at_rfc3339 = "2000-01-01T00:00:00Z", expires_at_rfc3339 = "2001-01-01T00:00:00Z" },
      { id = "key_far_future", created_at_rfc3339 = "2000-01-01T00:00:00Z", expires_at_rfc3339 = "9999-01-01T00:00:00Z" },
    ]
  }

  expect_failures = [check.expired]

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_long_gone"]
    error_message = "With now = null, the rules use plantimestamp()."
  }
  assert {
    condition     = output.findings[0].detail == "expired 2001-01-01, before ${substr(plantimestamp(), 0, 10)}"
    error_message = "The detail dates now as the plan's date: ${output.findings[0].detail}"
  }
}

run "unknown_rule_in_rules" {
  command = plan
  variables {
    keys  = []
    rules = ["idle", "stale"]
  }
  expect_failures = [var.rules]
}

run "unknown_rule_in_enforce" {
  command = plan
  variables {
    keys    = []
    enforce = ["expird"]
  }
  expect_failures = [var.enforce]
}

run "unknown_rule_in_exceptions" {
  command = plan
  variables {
    keys       = []
    exceptions = { key_admin = { rules = ["user-owned"], reason = "Typo.", until = "2027-01-01" } }
  }
  expect_failures = [var.exceptions]
}

run "too_many_admin_keys_cannot_be_excepted" {
  command = plan
  variables {
    keys       = []
    exceptions = { key_admin = { rules = ["too_many_admin_keys"], reason = "Not a key's rule.", until = "2027-01-01" } }
  }
  expect_failures = [var.exceptions]
}

run "exception_without_a_reason" {
  command = plan
  variables {
    keys       = []
    exceptions = { key_admin = { rules = ["user_owned"], reason = " ", until = "2027-01-01" } }
  }
  expect_failures = [var.exceptions]
}

run "exception_with_an_impossible_date" {
  command = plan
  variables {
    keys       = []
    exceptions = { key_admin = { rules = ["user_owned"], reason = "Typo.", until = "2027-02-30" } }
  }
  expect_failures = [var.exceptions]
}

run "exception_with_a_bad_time" {
  command = plan
  variables {
    keys       = []
    exceptions = { key_admin = { rules = ["user_owned"], reason = "Not a time.", until = "next friday" } }
  }
  expect_failures = [var.exceptions]
}

run "bad_now" {
  command = plan
  variables {
    keys = []
    now  = "2026-11-28 12:00"
  }
  expect_failures = [var.now]
}

run "negative_threshold" {
  command = plan
  variables {
    keys          = []
    max_idle_days = -1
  }
  expect_failures = [var.max_idle_days]
}

run "fractional_threshold" {
  command = plan
  variables {
    keys          = []
    rotation_days = 0.5
  }
  expect_failures = [var.rotation_days]
}

run "huge_threshold" {
  command = plan
  variables {
    keys                  = []
    never_used_grace_days = 1000000
  }
  expect_failures = [var.never_used_grace_days]
}

run "negative_warning_window" {
  command = plan
  variables {
    keys                = []
    expiry_warning_days = -14
  }
  expect_failures = [var.expiry_warning_days]
}

run "fractional_max_admin_keys" {
  command = plan
  variables {
    keys           = []
    max_admin_keys = 2.5
  }
  expect_failures = [var.max_admin_keys]
}

run "key_with_a_bad_time" {
  command = plan
  variables {
    keys = [{ id = "key_x", created_at_rfc3339 = "1700000000" }]
  }
  expect_failures = [var.keys]
}

run "key_with_an_unknown_kind" {
  command = plan
  variables {
    keys = [{ id = "key_x", kind = "service", created_at_rfc3339 = "2026-01-01T00:00:00Z" }]
  }
  expect_failures = [var.keys]
}

run "key_without_an_id" {
  command = plan
  variables {
    keys = [{ id = null, created_at_rfc3339 = "2026-01-01T00:00:00Z" }]
  }
  expect_failures = [var.keys]
}

run "now_with_an_offset_compares_as_an_instant" {
  command         = plan
  expect_failures = [check.expired]

  variables {
    # 2026-11-29T04:30:00Z. Details print now's first 10 characters, as the
    # spec says: pass now in UTC to read UTC dates.
    now   = "2026-11-28T23:30:00-05:00"
    rules = ["expired"]
    keys = [
      { id = "key_expired", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2026-11-29T04:29:59Z" },
      { id = "key_valid", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2026-11-29T04:30:00Z" },
    ]
  }

  assert {
    condition     = [for f in output.findings : f.detail] == ["expired 2026-11-29, before 2026-11-28"]
    error_message = "Times compare as instants; details print dates as given: ${jsonencode([for f in output.findings : f.detail])}"
  }
}
