# Exceptions: active and lapsed, at the exact end of a date and of a time.
# One user-owned key, key_a, with an exception for user_owned; key_b has the
# same finding and no exception.

variables {
  rules = ["user_owned", "no_expiry"]
  keys = [
    { id = "key_a", name = "ada-laptop", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2027-01-01T00:00:00Z", owner = { type = "user", id = "user_1", name = "Ada Lovelace" } },
    { id = "key_b", name = "bob-laptop", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2027-01-01T00:00:00Z", owner = { type = "user", id = "user_2", name = "Bob" } },
  ]
}

run "date_active_through_the_last_second_of_the_day" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    now        = "2026-11-28T23:59:59Z"
    exceptions = { key_a = { rules = ["user_owned"], reason = "Ada's laptop key until the CI account takes over.", until = "2026-11-28" } }
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_b"]
    error_message = "An exception until 2026-11-28 must hide key_a's finding through 2026-11-28T23:59:59Z."
  }
  assert {
    condition     = length(output.expired_exceptions) == 0 && output.summary == tomap({ no_expiry = 0, user_owned = 1 })
    error_message = "An active exception is not expired, and the summary counts findings after exceptions."
  }
}

run "date_lapsed_at_midnight_utc" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    now        = "2026-11-29T00:00:00Z"
    exceptions = { key_a = { rules = ["user_owned"], reason = "Ada's laptop key until the CI account takes over.", until = "2026-11-28" } }
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_a", "key_b"]
    error_message = "An exception until 2026-11-28 must have lapsed at 2026-11-29T00:00:00Z: the finding is back."
  }
  assert {
    condition     = jsonencode(output.expired_exceptions) == jsonencode(["key_a"])
    error_message = "The lapsed exception's key must be listed in expired_exceptions."
  }
}

run "time_active_until_one_second_before" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    now        = "2026-11-28T11:59:59Z"
    exceptions = { key_a = { rules = ["user_owned"], reason = "Rotation booked for noon.", until = "2026-11-28T12:00:00Z" } }
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_b"] && length(output.expired_exceptions) == 0
    error_message = "An exception until an RFC 3339 time must be active before that time."
  }
}

run "time_lapsed_at_that_instant" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    now        = "2026-11-28T12:00:00Z"
    exceptions = { key_a = { rules = ["user_owned"], reason = "Rotation booked for noon.", until = "2026-11-28T12:00:00Z" } }
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_a", "key_b"] && jsonencode(output.expired_exceptions) == jsonencode(["key_a"])
    error_message = "An exception until an RFC 3339 time must have lapsed at that time."
  }
}

run "time_with_an_offset_compares_as_an_instant" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    now = "2026-11-28T12:00:00Z"
    exceptions = {
      # 13:00:00+01:00 is 12:00:00Z: lapsed. 12:00:01+00:00 is not.
      key_a = { rules = ["user_owned"], reason = "Paris time.", until = "2026-11-28T13:00:00+01:00" }
      key_b = { rules = ["user_owned"], reason = "One more second.", until = "2026-11-28T12:00:01+00:00" }
    }
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_a"] && jsonencode(output.expired_exceptions) == jsonencode(["key_a"])
    error_message = "until must compare as an instant, whatever its offset."
  }
}

run "hides_only_the_rules_it_lists" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    now = "2026-11-28T12:00:00Z"
    keys = [
      # user_owned and no_expiry: the exception hides only no_expiry.
      { id = "key_a", created_at_rfc3339 = "2026-01-01T00:00:00Z", owner = { type = "user", id = "user_1" } },
    ]
    exceptions = { key_a = { rules = ["no_expiry"], reason = "Break-glass key, kept in the safe.", until = "2027-06-30" } }
  }

  assert {
    condition     = [for f in output.findings : f.rule] == ["user_owned"]
    error_message = "An exception for no_expiry must not hide user_owned."
  }
}

run "expired_exceptions_lists_keys_without_findings_or_gone" {
  command = plan

  variables {
    now = "2026-11-28T12:00:00Z"
    keys = [
      { id = "key_clean", created_at_rfc3339 = "2026-01-01T00:00:00Z", expires_at_rfc3339 = "2027-01-01T00:00:00Z", owner = { type = "service_account", id = "sa_1" } },
    ]
    exceptions = {
      key_clean   = { rules = ["user_owned"], reason = "Was Ada's.", until = "2026-01-31" }
      key_revoked = { rules = ["no_expiry"], reason = "Revoked since.", until = "2026-10-01T00:00:00Z" }
      key_future  = { rules = ["no_expiry"], reason = "Not created yet.", until = "2027-01-31" }
    }
  }

  assert {
    condition     = jsonencode(output.expired_exceptions) == jsonencode(["key_clean", "key_revoked"]) && output.passed
    error_message = "expired_exceptions must list every lapsed exception, sorted, whether or not its key has findings or exists."
  }
}
