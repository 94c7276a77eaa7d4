# Every rule at its exact boundary, one second either side, with the default
# thresholds. now is pinned: 2026-11-28T12:00:00Z. Each run enables one rule,
# so the assertions see only that rule's findings.

variables {
  now = "2026-11-28T12:00:00Z"
}

run "never_used_more_than_7_days" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.never_used]

  variables {
    rules = ["never_used"]
    keys = [
      # 7 days before now is 2026-11-21T12:00:00Z: strictly before it is a finding.
      { id = "key_1s_before", created_at_rfc3339 = "2026-11-21T11:59:59Z" },
      { id = "key_at_boundary", created_at_rfc3339 = "2026-11-21T12:00:00Z" },
      { id = "key_1s_after", created_at_rfc3339 = "2026-11-21T12:00:01Z" },
      # Used once, however long ago: idle's business, not never_used's.
      { id = "key_used", created_at_rfc3339 = "2020-01-01T00:00:00Z", last_used_at_rfc3339 = "2020-01-02T00:00:00Z" },
    ]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_1s_before"]
    error_message = "never_used must find exactly the key created more than 7 days before now and never used."
  }
  assert {
    condition     = output.findings[0].detail == "never used; created 2026-11-21, more than 7 days before 2026-11-28"
    error_message = "never_used detail: ${output.findings[0].detail}"
  }
  assert {
    condition     = output.summary == tomap({ never_used = 1 })
    error_message = "The summary must list only the enabled rule."
  }
}

run "idle_more_than_90_days" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.idle]

  variables {
    rules = ["idle"]
    keys = [
      # 90 days before now is 2026-08-30T12:00:00Z.
      { id = "key_1s_before", created_at_rfc3339 = "2026-01-01T00:00:00Z", last_used_at_rfc3339 = "2026-08-30T11:59:59Z" },
      { id = "key_at_boundary", created_at_rfc3339 = "2026-01-01T00:00:00Z", last_used_at_rfc3339 = "2026-08-30T12:00:00Z" },
      { id = "key_1s_after", created_at_rfc3339 = "2026-01-01T00:00:00Z", last_used_at_rfc3339 = "2026-08-30T12:00:01Z" },
      # Never used: never_used's business, not idle's.
      { id = "key_never_used", created_at_rfc3339 = "2020-01-01T00:00:00Z" },
    ]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_1s_before"]
    error_message = "idle must find exactly the key last used more than 90 days before now."
  }
  assert {
    condition     = output.findings[0].detail == "last used 2026-08-30, more than 90 days before 2026-11-28"
    error_message = "idle detail: ${output.findings[0].detail}"
  }
}

run "idle_with_max_idle_days_0" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.idle]

  variables {
    rules         = ["idle"]
    max_idle_days = 0
    keys = [
      { id = "key_1s_ago", created_at_rfc3339 = "2026-01-01T00:00:00Z", last_used_at_rfc3339 = "2026-11-28T11:59:59Z" },
      { id = "key_now", created_at_rfc3339 = "2026-01-01T00:00:00Z", last_used_at_rfc3339 = "2026-11-28T12:00:00Z" },
    ]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_1s_ago"]
    error_message = "With max_idle_days = 0, any use before now is idle, and a use at now is not."
  }
  assert {
    condition     = output.findings[0].detail == "last used 2026-11-28, more than 0 days before 2026-11-28"
    error_message = "idle detail: ${output.findings[0].detail}"
  }
}

run "no_expiry_admin_keys_only" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.no_expiry]

  variables {
    rules = ["no_expiry"]
    keys = [
      { id = "key_admin_no_expiry", kind = "admin", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
      { id = "key_admin_expires", kind = "admin", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2027-01-01T00:00:00Z" },
      # A null kind counts as admin (openai_admin_api_keys has no kind).
      { id = "key_null_kind", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
      # Project keys never expire: not a finding.
      { id = "key_project", kind = "project", project_id = "proj_1", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
    ]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_admin_no_expiry", "key_null_kind"]
    error_message = "no_expiry must find the admin keys (kind admin or null) without an expiry date."
  }
  assert {
    condition     = alltrue([for f in output.findings : f.detail == "admin key with no expiry date" && f.kind == "admin"])
    error_message = "no_expiry findings must have kind admin and the fixed detail."
  }
}

run "expiring_soon_within_14_days_both_ends_included" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.expiring_soon]

  variables {
    rules = ["expiring_soon"]
    keys = [
      # Already expired: expired's business.
      { id = "key_expired_1s_ago", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2026-11-28T11:59:59Z" },
      { id = "key_expires_now", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2026-11-28T12:00:00Z" },
      # now + 14 days is 2026-12-12T12:00:00Z.
      { id = "key_at_boundary", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2026-12-12T12:00:00Z" },
      { id = "key_1s_after", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2026-12-12T12:00:01Z" },
      { id = "key_no_expiry", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
    ]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_at_boundary", "key_expires_now"]
    error_message = "expiring_soon must find keys expiring at now through now + 14 days, both included."
  }
  assert {
    condition     = [for f in output.findings : f.detail] == ["expires 2026-12-12, within 14 days of 2026-11-28", "expires 2026-11-28, within 14 days of 2026-11-28"]
    error_message = "expiring_soon details: ${jsonencode([for f in output.findings : f.detail])}"
  }
}

run "expired_strictly_before_now" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.expired]

  variables {
    rules = ["expired"]
    keys = [
      { id = "key_1s_before", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2026-11-28T11:59:59Z" },
      { id = "key_at_now", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2026-11-28T12:00:00Z" },
      { id = "key_1s_after", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2026-11-28T12:00:01Z" },
      { id = "key_no_expiry", created_at_rfc3339 = "2020-01-01T00:00:00Z" },
    ]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_1s_before"]
    error_message = "expired must find exactly the key that expired before now."
  }
  assert {
    condition     = output.findings[0].detail == "expired 2026-11-28, before 2026-11-28"
    error_message = "expired detail: ${output.findings[0].detail}"
  }
}

run "too_old_more_than_365_days" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.too_old]

  variables {
    rules = ["too_old"]
    keys = [
      # 365 days before now is 2025-11-28T12:00:00Z.
      { id = "key_1s_before", created_at_rfc3339 = "2025-11-28T11:59:59Z", last_used_at_rfc3339 = "2026-11-28T00:00:00Z" },
      { id = "key_at_boundary", created_at_rfc3339 = "2025-11-28T12:00:00Z" },
      { id = "key_1s_after", created_at_rfc3339 = "2025-11-28T12:00:01Z" },
    ]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_1s_before"]
    error_message = "too_old must find exactly the key created more than 365 days before now, used or not."
  }
  assert {
    condition     = output.findings[0].detail == "created 2025-11-28, more than 365 days before 2026-11-28"
    error_message = "too_old detail: ${output.findings[0].detail}"
  }
}

run "user_owned" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.user_owned]

  variables {
    rules = ["user_owned"]
    keys = [
      { id = "key_email", kind = "project", project_id = "proj_1", created_at_rfc3339 = "2026-01-01T00:00:00Z",
      owner = { type = "user", id = "user_1", name = "Grace Hopper", email = "grace@example.com" } },
      # No email (admin keys have none): the name; an empty email counts as none.
      { id = "key_name", created_at_rfc3339 = "2026-01-01T00:00:00Z",
      owner = { type = "user", id = "user_2", name = "Ada Lovelace", email = "" } },
      { id = "key_id_only", created_at_rfc3339 = "2026-01-01T00:00:00Z", owner = { type = "user", id = "user_3" } },
      { id = "key_service_account", created_at_rfc3339 = "2026-01-01T00:00:00Z", owner = { type = "service_account", id = "sa_1", name = "ci" } },
      { id = "key_no_owner", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
    ]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_email", "key_id_only", "key_name"]
    error_message = "user_owned must find the keys owned by users, and only those."
  }
  assert {
    condition     = [for f in output.findings : f.owner] == ["grace@example.com", "user_3", "Ada Lovelace"]
    error_message = "owner must be the email, else the name, else the id: ${jsonencode([for f in output.findings : f.owner])}"
  }
  assert {
    condition     = [for f in output.findings : f.detail] == ["owned by user grace@example.com", "owned by user user_3", "owned by user Ada Lovelace"]
    error_message = "user_owned details: ${jsonencode([for f in output.findings : f.detail])}"
  }
}

run "owner_without_access_project_keys_only" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.owner_without_access]

  variables {
    rules = ["owner_without_access"]
    keys = [
      { id = "key_inactive", kind = "project", project_id = "proj_1", project_name = "Production", owner_project_access = "inactive",
      created_at_rfc3339 = "2026-01-01T00:00:00Z", owner = { type = "user", id = "user_1", name = "Alan Turing", email = "alan@example.com" } },
      # No project name: the project id.
      { id = "key_inactive_unnamed", kind = "project", project_id = "proj_2", owner_project_access = "inactive",
      created_at_rfc3339 = "2026-01-01T00:00:00Z", owner = { type = "user", id = "user_1", name = "Alan Turing" } },
      { id = "key_active", kind = "project", project_id = "proj_1", project_name = "Production", owner_project_access = "active",
      created_at_rfc3339 = "2026-01-01T00:00:00Z", owner = { type = "user", id = "user_1" } },
      # Only project keys have project access.
      { id = "key_admin", kind = "admin", owner_project_access = "inactive", created_at_rfc3339 = "2026-01-01T00:00:00Z", owner = { type = "user", id = "user_1" } },
    ]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_inactive", "key_inactive_unnamed"]
    error_message = "owner_without_access must find the project keys whose owner's access is inactive."
  }
  assert {
    condition = [for f in output.findings : f.detail] == [
      "owner alan@example.com no longer has access to project Production",
      "owner Alan Turing no longer has access to project proj_2",
    ]
    error_message = "owner_without_access details: ${jsonencode([for f in output.findings : f.detail])}"
  }
}

run "too_many_admin_keys_at_the_cap" {
  command = plan

  variables {
    rules          = ["too_many_admin_keys"]
    max_admin_keys = 2
    keys = [
      { id = "key_admin_1", kind = "admin", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
      { id = "key_admin_2", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
      # Project keys do not count.
      { id = "key_project", kind = "project", project_id = "proj_1", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
    ]
  }

  assert {
    condition     = length(output.findings) == 0 && output.summary == tomap({ too_many_admin_keys = 0 }) && output.passed
    error_message = "2 admin keys with max_admin_keys = 2 is not more than the cap."
  }
}

run "too_many_admin_keys_one_over_the_cap" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.too_many_admin_keys]

  variables {
    rules          = ["too_many_admin_keys"]
    max_admin_keys = 2
    keys = [
      { id = "key_admin_1", kind = "admin", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
      { id = "key_admin_2", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
      { id = "key_admin_3", kind = "admin", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
      { id = "key_project", kind = "project", project_id = "proj_1", created_at_rfc3339 = "2026-01-01T00:00:00Z" },
    ]
  }

  assert {
    condition = jsonencode(output.findings) == jsonencode([{
      rule   = "too_many_admin_keys", key_id = null, kind = "admin", key_name = null, project_id = null, project_name = null, owner = null,
      detail = "3 admin keys, more than max_admin_keys = 2"
    }])
    error_message = "too_many_admin_keys must be one organization finding: ${jsonencode(output.findings)}"
  }
  assert {
    condition     = output.summary == tomap({ too_many_admin_keys = 1 }) && !output.passed
    error_message = "The summary must count the one finding."
  }
}

run "too_many_admin_keys_without_a_cap" {
  command = plan

  variables {
    rules = ["too_many_admin_keys"]
    keys  = [for i in range(30) : { id = "key_${i}", created_at_rfc3339 = "2026-01-01T00:00:00Z" }]
  }

  assert {
    condition     = length(output.findings) == 0 && output.passed
    error_message = "max_admin_keys = null means no cap."
  }
}

run "max_admin_keys_0" {
  command = plan
  # The rule's check block warns: a test must say it expects that.
  expect_failures = [check.too_many_admin_keys]

  variables {
    rules          = ["too_many_admin_keys"]
    max_admin_keys = 0
    keys           = [{ id = "key_admin", created_at_rfc3339 = "2026-01-01T00:00:00Z" }]
  }

  assert {
    condition     = output.findings[0].detail == "1 admin keys, more than max_admin_keys = 0"
    error_message = "too_many_admin_keys detail: ${output.findings[0].detail}"
  }
}

run "zero_day_thresholds" {
  command         = plan
  expect_failures = [check.never_used, check.expiring_soon, check.too_old]

  variables {
    rules                 = ["never_used", "expiring_soon", "too_old"]
    never_used_grace_days = 0
    expiry_warning_days   = 0
    rotation_days         = 0
    keys = [
      # Never used, created one second before now: never_used and too_old.
      { id = "key_created_1s_ago", created_at_rfc3339 = "2026-11-28T11:59:59Z" },
      # Created at now: neither.
      { id = "key_created_now", created_at_rfc3339 = "2026-11-28T12:00:00Z" },
      # Expires at now: still within 0 days; one second later is not.
      { id = "key_expires_now", created_at_rfc3339 = "2026-11-28T12:00:00Z", last_used_at_rfc3339 = "2026-11-28T12:00:00Z", expires_at_rfc3339 = "2026-11-28T12:00:00Z" },
      { id = "key_expires_1s_later", created_at_rfc3339 = "2026-11-28T12:00:00Z", last_used_at_rfc3339 = "2026-11-28T12:00:00Z", expires_at_rfc3339 = "2026-11-28T12:00:01Z" },
    ]
  }

  assert {
    condition     = [for f in output.findings : "${f.rule}/${f.key_id}"] == ["expiring_soon/key_expires_now", "never_used/key_created_1s_ago", "too_old/key_created_1s_ago"]
    error_message = "With 0-day thresholds: ${jsonencode([for f in output.findings : "${f.rule}/${f.key_id}"])}"
  }
  assert {
    condition     = output.findings[0].detail == "expires 2026-11-28, within 0 days of 2026-11-28"
    error_message = "expiring_soon detail: ${output.findings[0].detail}"
  }
}
