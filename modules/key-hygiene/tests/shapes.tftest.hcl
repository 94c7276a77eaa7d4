# The inputs the module is used with: openai_api_keys' keys (every attribute),
# openai_admin_api_keys' keys (no kind, no project, owner.object, no email),
# and the order and fields of the findings.

variables {
  now            = "2026-11-28T12:00:00Z"
  max_admin_keys = 2
}

run "api_keys_shape_findings_in_order_with_every_field" {
  command = plan
  expect_failures = [
    check.expired, check.expiring_soon, check.idle, check.never_used, check.no_expiry,
    check.owner_without_access, check.too_many_admin_keys, check.too_old, check.user_owned,
  ]

  variables {
    # In the data source's order (admin keys, then projects), not the findings' order.
    keys = [
      {
        kind         = "admin", id = "key_Xb4Pq9Wm2Lr7Tz1K", name = "terraform-ci", redacted_value = "sk-admin...k3Qz",
        created_at   = 1769932800, created_at_rfc3339 = "2026-02-01T08:00:00Z",
        last_used_at = 1795860000, last_used_at_rfc3339 = "2026-11-28T10:00:00Z",
        expires_at   = 1796716800, expires_at_rfc3339 = "2026-12-08T08:00:00Z",
        project_id   = null, project_name = null, project_status = null, owner_project_access = null,
        owner        = { type = "service_account", id = "sa_3Hn8Wq1Ze5Yp0Lc6", name = "terraform-ci", email = null, role = "owner", created_at = 1704067200 }
      },
      {
        kind         = "admin", id = "key_Tn5Zh0Lq4Pe9Xa2C", name = "legacy-bootstrap", redacted_value = "sk-admin...b0oT",
        created_at   = 1759276800, created_at_rfc3339 = "2025-10-01T00:00:00Z",
        last_used_at = 1794960000, last_used_at_rfc3339 = "2026-11-18T00:00:00Z",
        expires_at   = null, expires_at_rfc3339 = null,
        project_id   = null, project_name = null, project_status = null, owner_project_access = null,
        owner        = { type = "service_account", id = "sa_3Hn8Wq1Ze5Yp0Lc6", name = "terraform-ci", email = null, role = "owner", created_at = 1704067200 }
      },
      {
        kind         = "admin", id = "key_Jc1Ws8Kd3Fy6Hu0M", name = "ada-laptop", redacted_value = "sk-admin...a1Lv",
        created_at   = 1778578200, created_at_rfc3339 = "2026-05-12T09:30:00Z",
        last_used_at = 1795132800, last_used_at_rfc3339 = "2026-11-20T00:00:00Z",
        expires_at   = 1795771800, expires_at_rfc3339 = "2026-11-27T09:30:00Z",
        project_id   = null, project_name = null, project_status = null, owner_project_access = null,
        owner        = { type = "user", id = "user_7Qm2Lx9Vt4Rb1Kz8", name = "Ada Lovelace", email = null, role = "owner", created_at = 1704067200 }
      },
      {
        kind         = "project", id = "key_Mc7Tg2Qv5Jx0Lb8Z", name = null, redacted_value = "sk-x7q...9zz",
        created_at   = 1787184000, created_at_rfc3339 = "2026-08-20T00:00:00Z",
        last_used_at = 1787616000, last_used_at_rfc3339 = "2026-08-25T00:00:00Z",
        expires_at   = null, expires_at_rfc3339 = null,
        project_id   = "proj_Hz2Rm7Kd0Fp5Qy9A", project_name = "Production", project_status = "active", owner_project_access = "inactive",
        owner        = { type = "user", id = "user_8Tb3Qk6Ya1Rd5Vn2", name = "Alan Turing", email = "alan.turing@example.com", role = "member", created_at = 1748736000 }
      },
      {
        kind         = "project", id = "key_Zk4Ub9Mq2Ce7Hv1Y", name = "load-test", redacted_value = "sk-l0a...tst",
        created_at   = 1794096000, created_at_rfc3339 = "2026-11-08T00:00:00Z",
        last_used_at = null, last_used_at_rfc3339 = null,
        expires_at   = null, expires_at_rfc3339 = null,
        project_id   = "proj_Cu6Jt1Ge4Nv8Ls3D", project_name = null, project_status = "archived", owner_project_access = "active",
        owner        = { type = "user", id = "user_8Tb3Qk6Ya1Rd5Vn2", name = "Alan Turing", email = "alan.turing@example.com", role = "member", created_at = 1748736000 }
      },
    ]
  }

  assert {
    condition = jsonencode(output.findings) == jsonencode([
      { rule = "expired", key_id = "key_Jc1Ws8Kd3Fy6Hu0M", kind = "admin", key_name = "ada-laptop", project_id = null, project_name = null, owner = "Ada Lovelace",
      detail = "expired 2026-11-27, before 2026-11-28" },
      { rule = "expiring_soon", key_id = "key_Xb4Pq9Wm2Lr7Tz1K", kind = "admin", key_name = "terraform-ci", project_id = null, project_name = null, owner = "terraform-ci",
      detail = "expires 2026-12-08, within 14 days of 2026-11-28" },
      { rule = "idle", key_id = "key_Mc7Tg2Qv5Jx0Lb8Z", kind = "project", key_name = null, project_id = "proj_Hz2Rm7Kd0Fp5Qy9A", project_name = "Production", owner = "alan.turing@example.com",
      detail = "last used 2026-08-25, more than 90 days before 2026-11-28" },
      { rule = "never_used", key_id = "key_Zk4Ub9Mq2Ce7Hv1Y", kind = "project", key_name = "load-test", project_id = "proj_Cu6Jt1Ge4Nv8Ls3D", project_name = null, owner = "alan.turing@example.com",
      detail = "never used; created 2026-11-08, more than 7 days before 2026-11-28" },
      { rule = "no_expiry", key_id = "key_Tn5Zh0Lq4Pe9Xa2C", kind = "admin", key_name = "legacy-bootstrap", project_id = null, project_name = null, owner = "terraform-ci",
      detail = "admin key with no expiry date" },
      { rule = "owner_without_access", key_id = "key_Mc7Tg2Qv5Jx0Lb8Z", kind = "project", key_name = null, project_id = "proj_Hz2Rm7Kd0Fp5Qy9A", project_name = "Production", owner = "alan.turing@example.com",
      detail = "owner alan.turing@example.com no longer has access to project Production" },
      { rule = "too_many_admin_keys", key_id = null, kind = "admin", key_name = null, project_id = null, project_name = null, owner = null,
      detail = "3 admin keys, more than max_admin_keys = 2" },
      { rule = "too_old", key_id = "key_Tn5Zh0Lq4Pe9Xa2C", kind = "admin", key_name = "legacy-bootstrap", project_id = null, project_name = null, owner = "terraform-ci",
      detail = "created 2025-10-01, more than 365 days before 2026-11-28" },
      { rule = "user_owned", key_id = "key_Jc1Ws8Kd3Fy6Hu0M", kind = "admin", key_name = "ada-laptop", project_id = null, project_name = null, owner = "Ada Lovelace",
      detail = "owned by user Ada Lovelace" },
      { rule = "user_owned", key_id = "key_Mc7Tg2Qv5Jx0Lb8Z", kind = "project", key_name = null, project_id = "proj_Hz2Rm7Kd0Fp5Qy9A", project_name = "Production", owner = "alan.turing@example.com",
      detail = "owned by user alan.turing@example.com" },
      { rule = "user_owned", key_id = "key_Zk4Ub9Mq2Ce7Hv1Y", kind = "project", key_name = "load-test", project_id = "proj_Cu6Jt1Ge4Nv8Ls3D", project_name = null, owner = "alan.turing@example.com",
      detail = "owned by user alan.turing@example.com" },
    ])
    error_message = "The findings differ: ${jsonencode(output.findings)}"
  }
  assert {
    condition = output.summary == tomap({
      expired              = 1, expiring_soon = 1, idle = 1, never_used = 1, no_expiry = 1,
      owner_without_access = 1, too_many_admin_keys = 1, too_old = 1, user_owned = 3,
    })
    error_message = "The summary differs: ${jsonencode(output.summary)}"
  }
}

run "admin_api_keys_shape_converts" {
  command         = plan
  expect_failures = [check.no_expiry, check.user_owned, check.too_many_admin_keys, check.idle]

  variables {
    # Exactly openai_admin_api_keys' attributes: no kind, no project_*, no
    # owner_project_access, no owner.email, and an extra owner.object.
    keys = [
      {
        id           = "key_Wy2Ce7Qj0Hs5Lb9R", name = null, redacted_value = "sk-admin...n0Nm",
        created_at   = 1778578200, created_at_rfc3339 = "2026-05-12T09:30:00Z",
        last_used_at = 1787616000, last_used_at_rfc3339 = "2026-08-25T00:00:00Z",
        expires_at   = null, expires_at_rfc3339 = null,
        owner        = { type = "user", object = "organization.user", id = "user_7Qm2Lx9Vt4Rb1Kz8", name = "Ada Lovelace", role = "owner", created_at = 1704067200 }
      },
      {
        id           = "key_Df6Ub3Ng8Mr1Vk5S", name = "clé-prod-日本", redacted_value = "sk-admin...j4Pn",
        created_at   = 1794096000, created_at_rfc3339 = "2026-11-08T00:00:00Z",
        last_used_at = 1795860000, last_used_at_rfc3339 = "2026-11-28T10:00:00Z",
        expires_at   = 1796716800, expires_at_rfc3339 = "2026-12-08T08:00:00Z",
        owner        = { type = "service_account", object = "organization.service_account", id = "sa_3Hn8Wq1Ze5Yp0Lc6", name = "terraform-ci", role = "owner", created_at = 1704067200 }
      },
      {
        id           = "key_Ka9Mv4Yt1Gd6Rp3E", name = "audit-reader", redacted_value = "sk-admin...r3Ad",
        created_at   = 1795564800, created_at_rfc3339 = "2026-11-25T00:00:00Z",
        last_used_at = null, last_used_at_rfc3339 = null,
        expires_at   = 1796716800, expires_at_rfc3339 = "2026-12-08T08:00:00Z",
        owner        = { type = "service_account", object = "organization.service_account", id = "sa_5Rv0Bn3Tq8Hw2Jy4", name = "audit-bot", role = "reader", created_at = 1704067200 }
      },
    ]
    rules = ["idle", "never_used", "no_expiry", "owner_without_access", "too_many_admin_keys", "user_owned"]
  }

  assert {
    condition     = [for f in output.findings : "${f.rule}/${coalesce(f.key_id, "-")}/${f.kind}"] == ["idle/key_Wy2Ce7Qj0Hs5Lb9R/admin", "no_expiry/key_Wy2Ce7Qj0Hs5Lb9R/admin", "too_many_admin_keys/-/admin", "user_owned/key_Wy2Ce7Qj0Hs5Lb9R/admin"]
    error_message = "Admin keys without a kind count as admin keys: ${jsonencode([for f in output.findings : "${f.rule}/${coalesce(f.key_id, "-")}/${f.kind}"])}"
  }
  assert {
    condition     = alltrue([for f in output.findings : f.project_id == null && f.project_name == null])
    error_message = "Admin keys have no project."
  }
  assert {
    condition     = [for f in output.findings : f.owner if f.rule == "user_owned"] == ["Ada Lovelace"] && output.findings[0].key_name == null
    error_message = "Without an email the owner is the name; a key without a name has a null key_name."
  }
}

run "project_api_keys_shape_with_kind_merged" {
  command         = plan
  expect_failures = [check.owner_without_access]

  variables {
    # openai_project_api_keys' keys, with kind and project_id merged in as the
    # module's README shows.
    keys = [for k in [
      {
        id                   = "key_Vr5Hk0Zm3Tq8Gw1N", name = "demo-day", redacted_value = "sk-d3m...day",
        created_at           = 1794096000, created_at_rfc3339 = "2026-11-08T00:00:00Z",
        last_used_at         = 1795860000, last_used_at_rfc3339 = "2026-11-28T10:00:00Z",
        owner_project_access = "inactive",
        owner                = { type = "service_account", id = "user-sa_4Mx9Ce2Wr7Bh0Kj5", name = "deploy-bot", email = null, role = "member", created_at = 1704067200 }
      },
    ] : merge(k, { kind = "project", project_id = "proj_Lq8Vn3Xc6Bt1Ws4K" })]
  }

  assert {
    condition     = [for f in output.findings : f.detail] == ["owner deploy-bot no longer has access to project proj_Lq8Vn3Xc6Bt1Ws4K"]
    error_message = "A project key is not an admin key, and names its project by id when it has no name: ${jsonencode(output.findings)}"
  }
}

run "key_ids_sort_as_strings" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    rules = ["user_owned"]
    keys = [for id in ["key_a", "key_B", "key_9", "key_10"] :
    { id = id, created_at_rfc3339 = "2026-01-01T00:00:00Z", owner = { type = "user", id = "user_1" } }]
  }

  assert {
    condition     = [for f in output.findings : f.key_id] == ["key_10", "key_9", "key_B", "key_a"]
    error_message = "Key ids sort byte by byte (digits, then upper case, then lower case): ${jsonencode([for f in output.findings : f.key_id])}"
  }
}

run "the_same_key_twice_is_one_finding" {
  command         = plan
  expect_failures = [check.user_owned]

  variables {
    rules = ["user_owned"]
    keys = [for i in range(2) :
    { id = "key_dup", created_at_rfc3339 = "2026-01-01T00:00:00Z", owner = { type = "user", id = "user_1" } }]
  }

  assert {
    condition     = length(output.findings) == 1 && output.summary["user_owned"] == 1
    error_message = "Findings are a set: the same finding counts once."
  }
}
