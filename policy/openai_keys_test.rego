package openai.keys_test

import data.openai.keys

# Every fixture is a small plan JSON, as `terraform show -json PLAN` writes it,
# planned at _now. Boundaries are tested one second either side.

_now := "2026-11-28T12:00:00Z"

_unix(rfc3339) := time.parse_rfc3339_ns(rfc3339) / 1000000000

_created(t) := {"created_at": _unix(t), "created_at_rfc3339": t}

_used(t) := {"last_used_at": _unix(t), "last_used_at_rfc3339": t}

_never_used := {"last_used_at": null, "last_used_at_rfc3339": null}

_expires(t) := {"expires_at": _unix(t), "expires_at_rfc3339": t}

_service_account := {
	"type": "service_account", "id": "sa_1", "name": "deploy-bot",
	"email": null, "role": "member", "created_at": null,
}

_user := {
	"type": "user", "id": "user_1", "name": "Grace Hopper",
	"email": "grace@example.com", "role": "owner", "created_at": null,
}

# A clean project key, as openai_api_keys lists it: recent, used yesterday,
# owned by a service account whose access is active.
_project_key := object.union_n([
	{
		"kind": "project", "id": "key_p", "name": "prod-backend", "redacted_value": "sk-pr...abc",
		"expires_at": null, "expires_at_rfc3339": null,
		"project_id": "proj_a", "project_name": "Production", "project_status": "active",
		"owner_project_access": "active", "owner": _service_account,
	},
	_created("2026-11-01T00:00:00Z"),
	_used("2026-11-27T12:00:00Z"),
])

# A clean admin key: expires in 60 days.
_admin_key := object.union_n([
	{
		"kind": "admin", "id": "key_a", "name": "terraform-ci", "redacted_value": "sk-admin...abc",
		"project_id": null, "project_name": null, "project_status": null,
		"owner_project_access": null, "owner": _service_account,
	},
	_created("2026-11-01T00:00:00Z"),
	_used("2026-11-27T12:00:00Z"),
	_expires("2027-01-27T12:00:00Z"),
])

_data_source(type, name, values) := {
	"address": sprintf("data.%s.%s", [type, name]),
	"mode": "data",
	"type": type,
	"name": name,
	"provider_name": "registry.terraform.io/keycensus/openai",
	"schema_version": 0,
	"values": values,
	"sensitive_values": {},
}

_plan_at(timestamp, root_module) := {
	"format_version": "1.2",
	"terraform_version": "1.11.4",
	"timestamp": timestamp,
	"prior_state": {"format_version": "1.0", "terraform_version": "1.11.4", "values": {"root_module": root_module}},
}

_plan(keys_list) := _plan_at(_now, {"resources": [_data_source("openai_api_keys", "all", {"keys": keys_list})]})

_rules_of(results, id) := {finding.rule | some finding in results; finding.key_id == id}

_one(results, rule) := [finding | some finding in results; finding.rule == rule]

# --- an empty inventory --------------------------------------------------------

test_no_keys_no_findings if {
	keys.findings == set() with input as _plan([])
	keys.passed with input as _plan([])
	keys.deny == set() with input as _plan([])
	keys.warn == set() with input as _plan([])
}

test_no_keys_summary_is_every_rule_at_zero if {
	keys.summary == {rule: 0 | some rule in keys.rule_names} with input as _plan([])
}

test_plan_without_key_data_sources if {
	plan := {"timestamp": _now, "prior_state": {"values": {"root_module": {}}}}
	keys.findings == set() with input as plan
	keys.deny == set() with input as plan
}

test_clean_keys_no_findings if {
	keys.findings == set() with input as _plan([_project_key, _admin_key])
}

# --- never_used: created more than never_used_grace_days (7) before now ---------

test_never_used_at_boundary_is_not_a_finding if {
	key := object.union_n([_project_key, _never_used, _created("2026-11-21T12:00:00Z")])
	_rules_of(keys.findings, "key_p") == set() with input as _plan([key])
}

test_never_used_one_second_past_boundary if {
	key := object.union_n([_project_key, _never_used, _created("2026-11-21T11:59:59Z")])
	keys.findings == {{
		"rule": "never_used", "key_id": "key_p", "kind": "project", "key_name": "prod-backend",
		"project_id": "proj_a", "project_name": "Production", "owner": "deploy-bot",
		"detail": "never used; created 2026-11-21, more than 7 days before 2026-11-28",
	}} with input as _plan([key])
}

test_never_used_key_is_not_idle if {
	key := object.union_n([_project_key, _never_used, _created("2025-12-01T00:00:00Z")])
	_rules_of(keys.findings, "key_p") == {"never_used"} with input as _plan([key])
}

# --- idle: last used more than max_idle_days (90) before now --------------------

test_idle_at_boundary_is_not_a_finding if {
	key := object.union(_project_key, _used("2026-08-30T12:00:00Z"))
	_rules_of(keys.findings, "key_p") == set() with input as _plan([key])
}

test_idle_one_second_past_boundary if {
	key := object.union(_project_key, _used("2026-08-30T11:59:59Z"))
	[finding] := _one(keys.findings, "idle") with input as _plan([key])
	finding.detail == "last used 2026-08-30, more than 90 days before 2026-11-28"
}

# --- no_expiry: admin keys only ------------------------------------------------

test_no_expiry_admin_key if {
	key := object.union(_admin_key, {"expires_at": null, "expires_at_rfc3339": null})
	[finding] := _one(keys.findings, "no_expiry") with input as _plan([key])
	finding == {
		"rule": "no_expiry", "key_id": "key_a", "kind": "admin", "key_name": "terraform-ci",
		"project_id": null, "project_name": null, "owner": "deploy-bot",
		"detail": "admin key with no expiry date",
	}
}

test_no_expiry_not_for_project_keys if {
	_rules_of(keys.findings, "key_p") == set() with input as _plan([_project_key])
}

test_null_kind_counts_as_admin if {
	key := object.union(_admin_key, {"kind": null, "expires_at": null, "expires_at_rfc3339": null})
	[finding] := _one(keys.findings, "no_expiry") with input as _plan([key])
	finding.kind == "admin"
}

# --- expiring_soon: now <= expires <= now + expiry_warning_days (14) ------------

test_expiring_soon_at_far_boundary if {
	key := object.union(_admin_key, _expires("2026-12-12T12:00:00Z"))
	[finding] := _one(keys.findings, "expiring_soon") with input as _plan([key])
	finding.detail == "expires 2026-12-12, within 14 days of 2026-11-28"
}

test_expiring_soon_one_second_past_far_boundary if {
	key := object.union(_admin_key, _expires("2026-12-12T12:00:01Z"))
	_rules_of(keys.findings, "key_a") == set() with input as _plan([key])
}

test_expiring_now_is_soon_not_expired if {
	key := object.union(_admin_key, _expires(_now))
	_rules_of(keys.findings, "key_a") == {"expiring_soon"} with input as _plan([key])
}

# --- expired: expires strictly before now ---------------------------------------

test_expired_one_second_before_now if {
	key := object.union(_admin_key, _expires("2026-11-28T11:59:59Z"))
	_rules_of(keys.findings, "key_a") == {"expired"} with input as _plan([key])
	[finding] := _one(keys.findings, "expired") with input as _plan([key])
	finding.detail == "expired 2026-11-28, before 2026-11-28"
}

# --- too_old: created more than rotation_days (365) before now ------------------

test_too_old_at_boundary_is_not_a_finding if {
	key := object.union(_project_key, _created("2025-11-28T12:00:00Z"))
	_rules_of(keys.findings, "key_p") == set() with input as _plan([key])
}

test_too_old_one_second_past_boundary if {
	key := object.union(_project_key, _created("2025-11-28T11:59:59Z"))
	[finding] := _one(keys.findings, "too_old") with input as _plan([key])
	finding.detail == "created 2025-11-28, more than 365 days before 2026-11-28"
}

# --- user_owned and the owner label ---------------------------------------------

test_user_owned_names_the_email_first if {
	key := object.union(_project_key, {"owner": _user})
	[finding] := _one(keys.findings, "user_owned") with input as _plan([key])
	finding.owner == "grace@example.com"
	finding.detail == "owned by user grace@example.com"
}

test_owner_label_skips_null_and_empty if {
	no_email := object.union(_project_key, {"owner": object.union(_user, {"email": null})})
	[by_name] := _one(keys.findings, "user_owned") with input as _plan([no_email])
	by_name.owner == "Grace Hopper"

	only_id := object.union(_project_key, {"owner": object.union(_user, {"email": "", "name": null})})
	[by_id] := _one(keys.findings, "user_owned") with input as _plan([only_id])
	by_id.owner == "user_1"
}

test_service_account_is_not_user_owned if {
	_one(keys.findings, "user_owned") == [] with input as _plan([_project_key, _admin_key])
}

# --- owner_without_access: project keys whose owner lost access -----------------

test_owner_without_access if {
	key := object.union(_project_key, {"owner_project_access": "inactive"})
	[finding] := _one(keys.findings, "owner_without_access") with input as _plan([key])
	finding.detail == "owner deploy-bot no longer has access to project Production"
}

test_owner_without_access_names_project_id_without_a_name if {
	key := object.union(_project_key, {"owner_project_access": "inactive", "project_name": null})
	[finding] := _one(keys.findings, "owner_without_access") with input as _plan([key])
	finding.detail == "owner deploy-bot no longer has access to project proj_a"
}

test_owner_without_access_only_for_project_keys if {
	key := object.union(_admin_key, {"owner_project_access": "inactive"})
	_rules_of(keys.findings, "key_a") == set() with input as _plan([key])
}

test_owner_with_access_is_not_a_finding if {
	_one(keys.findings, "owner_without_access") == [] with input as _plan([_project_key])
}

# --- too_many_admin_keys: more than max_admin_keys admin keys --------------------

_three_admin_keys := [
	_admin_key,
	object.union(_admin_key, {"id": "key_b"}),
	object.union(_admin_key, {"id": "key_c"}),
]

test_too_many_admin_keys_at_boundary_is_not_a_finding if {
	keys.findings == set() with input as _plan(array.concat(_three_admin_keys, [_project_key]))
		with data.openai_keys as {"max_admin_keys": 3}
}

test_too_many_admin_keys_one_past_boundary if {
	keys.findings == {{
		"rule": "too_many_admin_keys", "key_id": null, "kind": "admin", "key_name": null,
		"project_id": null, "project_name": null, "owner": null,
		"detail": "3 admin keys, more than max_admin_keys = 2",
	}} with input as _plan(array.concat(_three_admin_keys, [_project_key]))
		with data.openai_keys as {"max_admin_keys": 2}
}

test_too_many_admin_keys_off_by_default if {
	keys.findings == set() with input as _plan(_three_admin_keys)
}

test_too_many_admin_keys_message if {
	keys.warn == {"too_many_admin_keys: 3 admin keys, more than max_admin_keys = 0"} with input as _plan(_three_admin_keys)
		with data.openai_keys as {"max_admin_keys": 0}
}

# --- settings: defaults, overrides, rules, enforce --------------------------------

test_settings_defaults_without_data if {
	keys.settings == {
		"max_idle_days": 90, "never_used_grace_days": 7, "rotation_days": 365, "expiry_warning_days": 14,
		"max_admin_keys": null, "rules": keys.rule_names, "enforce": set(), "exceptions": {},
	} with input as _plan([])
}

test_settings_null_means_default if {
	keys.settings.max_idle_days == 90 with input as _plan([])
		with data.openai_keys as {"max_idle_days": null, "rotation_days": 30}
	keys.settings.rotation_days == 30 with input as _plan([])
		with data.openai_keys as {"max_idle_days": null, "rotation_days": 30}
}

test_max_idle_days_override_moves_the_boundary if {
	at := object.union(_project_key, _used("2026-10-29T12:00:00Z"))
	_rules_of(keys.findings, "key_p") == set() with input as _plan([at])
		with data.openai_keys as {"max_idle_days": 30}

	past := object.union(_project_key, _used("2026-10-29T11:59:59Z"))
	[finding] := _one(keys.findings, "idle") with input as _plan([past])
		with data.openai_keys as {"max_idle_days": 30}
	finding.detail == "last used 2026-10-29, more than 30 days before 2026-11-28"
}

test_grace_rotation_and_warning_overrides if {
	key := object.union_n([_admin_key, _never_used, _created("2026-11-27T11:59:59Z"), _expires("2026-12-28T12:00:00Z")])
	settings := {"never_used_grace_days": 1, "rotation_days": 1, "expiry_warning_days": 30}
	_rules_of(keys.findings, "key_a") == {"never_used", "too_old", "expiring_soon"} with input as _plan([key])
		with data.openai_keys as settings
	[finding] := _one(keys.findings, "expiring_soon") with input as _plan([key])
		with data.openai_keys as settings
	finding.detail == "expires 2026-12-28, within 30 days of 2026-11-28"
}

_messy_key := object.union_n([_project_key, {"owner": _user}, _used("2026-01-02T00:00:00Z")])

test_rules_disables_the_others if {
	_rules_of(keys.findings, "key_p") == {"idle", "user_owned"} with input as _plan([_messy_key])
	_rules_of(keys.findings, "key_p") == {"idle"} with input as _plan([_messy_key])
		with data.openai_keys as {"rules": ["idle"]}
	keys.summary == {"idle": 1} with input as _plan([_messy_key])
		with data.openai_keys as {"rules": ["idle"]}
}

test_summary_counts_each_enabled_rule if {
	summary := keys.summary with input as _plan([_messy_key])
	summary.idle == 1
	summary.user_owned == 1
	summary.expired == 0
	count(summary) == 9
}

test_enforce_denies_and_the_rest_warns if {
	keys.deny == {"idle: key_p (prod-backend) in project Production: last used 2026-01-02, more than 90 days before 2026-11-28"} with input as _plan([_messy_key])
		with data.openai_keys as {"enforce": ["idle"]}
	keys.warn == {"user_owned: key_p (prod-backend) in project Production: owned by user grace@example.com"} with input as _plan([_messy_key])
		with data.openai_keys as {"enforce": ["idle"]}
}

test_nothing_enforced_by_default if {
	keys.deny == set() with input as _plan([_messy_key])
	count(keys.warn) == 2 with input as _plan([_messy_key])
	not keys.passed with input as _plan([_messy_key])
}

test_admin_key_message_without_name_or_project if {
	key := object.union(_admin_key, {"name": null, "expires_at": null, "expires_at_rfc3339": null})
	keys.warn == {"no_expiry: key_a: admin key with no expiry date"} with input as _plan([key])
}

test_unknown_rule_names_deny if {
	deny := keys.deny with input as _plan([])
		with data.openai_keys as {"enforce": ["idel"]}
	some message in deny
	startswith(message, `openai.keys settings: enforce: unknown rule "idel"`)
}

test_bad_settings_deny if {
	deny := keys.deny with input as _plan([])
		with data.openai_keys as {"max_idle_days": -1, "exceptions": {"key_p": {"rules": ["idle"], "until": "soon"}}}
	count(deny) == 2
}

test_input_without_timestamp_denies if {
	deny := keys.deny with input as {"prior_state": {}}
	some message in deny
	contains(message, "no RFC 3339 timestamp")
}

# --- exceptions ---------------------------------------------------------------

_exception(until) := {"exceptions": {"key_p": {"rules": ["idle"], "reason": "migrating", "until": until}}}

test_exception_date_active_through_the_end_of_the_day if {
	plan := _plan_at("2026-11-28T23:59:59Z", {"resources": [_data_source("openai_api_keys", "all", {"keys": [_messy_key]})]})
	_rules_of(keys.findings, "key_p") == {"user_owned"} with input as plan
		with data.openai_keys as _exception("2026-11-28")
	keys.expired_exceptions == set() with input as plan
		with data.openai_keys as _exception("2026-11-28")
}

test_exception_date_lapses_at_midnight_after if {
	plan := _plan_at("2026-11-29T00:00:00Z", {"resources": [_data_source("openai_api_keys", "all", {"keys": [_messy_key]})]})
	_rules_of(keys.findings, "key_p") == {"idle", "user_owned"} with input as plan
		with data.openai_keys as _exception("2026-11-28")
	keys.expired_exceptions == {"key_p"} with input as plan
		with data.openai_keys as _exception("2026-11-28")
}

test_exception_time_active_until_the_instant if {
	_rules_of(keys.findings, "key_p") == {"user_owned"} with input as _plan([_messy_key])
		with data.openai_keys as _exception("2026-11-28T12:00:01Z")
	keys.expired_exceptions == set() with input as _plan([_messy_key])
		with data.openai_keys as _exception("2026-11-28T12:00:01Z")
}

test_exception_time_lapsed_at_the_instant if {
	_rules_of(keys.findings, "key_p") == {"idle", "user_owned"} with input as _plan([_messy_key])
		with data.openai_keys as _exception(_now)
	keys.expired_exceptions == {"key_p"} with input as _plan([_messy_key])
		with data.openai_keys as _exception(_now)
}

test_exception_with_offset_time if {
	# 13:00+02:00 is 11:00Z: lapsed at 12:00Z.
	keys.expired_exceptions == {"key_p"} with input as _plan([_messy_key])
		with data.openai_keys as _exception("2026-11-28T13:00:00+02:00")
}

test_exception_for_a_key_not_in_the_inventory if {
	keys.expired_exceptions == {"key_gone"} with input as _plan([])
		with data.openai_keys as {"exceptions": {"key_gone": {"rules": ["idle"], "reason": "revoked", "until": "2026-01-01"}}}
}

test_enforced_rule_under_exception_does_not_deny if {
	settings := object.union(_exception("2026-12-31"), {"enforce": ["idle"]})
	keys.deny == set() with input as _plan([_messy_key])
		with data.openai_keys as settings
}

# --- where keys come from --------------------------------------------------------

test_keys_in_child_modules_two_levels_down if {
	plan := _plan_at(_now, {"child_modules": [{
		"address": "module.inventory",
		"child_modules": [{
			"address": "module.inventory.module.keys",
			"resources": [object.union(
				_data_source("openai_api_keys", "all", {"keys": [_messy_key]}),
				{"address": "module.inventory.module.keys.data.openai_api_keys.all"},
			)],
		}],
	}]})
	_rules_of(keys.findings, "key_p") == {"idle", "user_owned"} with input as plan
}

test_admin_api_keys_shape if {
	# openai_admin_api_keys: no kind, no project fields, owner has object and no email.
	raw := object.union_n([
		{
			"id": "key_a", "name": null, "redacted_value": "sk-admin...abc",
			"expires_at": null, "expires_at_rfc3339": null,
			"owner": {"type": "user", "object": "organization.user", "id": "user_1", "name": "Ada", "role": "owner", "created_at": null},
		},
		_created("2026-11-01T00:00:00Z"),
		_used("2026-11-27T12:00:00Z"),
	])
	plan := _plan_at(_now, {"resources": [_data_source("openai_admin_api_keys", "all", {"order": "asc", "keys": [raw]})]})
	keys.findings == {
		{
			"rule": "no_expiry", "key_id": "key_a", "kind": "admin", "key_name": null, "project_id": null,
			"project_name": null, "owner": "Ada", "detail": "admin key with no expiry date",
		},
		{
			"rule": "user_owned", "key_id": "key_a", "kind": "admin", "key_name": null, "project_id": null,
			"project_name": null, "owner": "Ada", "detail": "owned by user Ada",
		},
	} with input as plan
}

_project_shaped := object.union_n([
	{
		"id": "key_p", "name": "prod-backend", "redacted_value": "sk-pr...abc",
		"owner_project_access": "inactive", "owner": _user,
	},
	_created("2026-11-01T00:00:00Z"),
	_used("2026-11-27T12:00:00Z"),
])

test_project_api_keys_shape if {
	# openai_project_api_keys: no kind, no expiry, no project fields: the project is the data source's.
	resource := _data_source("openai_project_api_keys", "each", {"project_id": "proj_b", "owner_project_access": "any", "keys": [_project_shaped]})
	plan := _plan_at(_now, {"resources": [object.union(resource, {"index_key": "proj_b"})]})
	keys.findings == {
		{
			"rule": "owner_without_access", "key_id": "key_p", "kind": "project", "key_name": "prod-backend",
			"project_id": "proj_b", "project_name": null, "owner": "grace@example.com",
			"detail": "owner grace@example.com no longer has access to project proj_b",
		},
		{
			"rule": "user_owned", "key_id": "key_p", "kind": "project", "key_name": "prod-backend",
			"project_id": "proj_b", "project_name": null, "owner": "grace@example.com",
			"detail": "owned by user grace@example.com",
		},
	} with input as plan
	keys.warn == {
		"owner_without_access: key_p (prod-backend) in project proj_b: owner grace@example.com no longer has access to project proj_b",
		"user_owned: key_p (prod-backend) in project proj_b: owned by user grace@example.com",
	} with input as plan
}

test_duplicates_prefer_openai_api_keys if {
	listed := object.union_n([_project_key, {"owner_project_access": "inactive", "owner": _user}])
	plan := _plan_at(_now, {
		"resources": [_data_source("openai_project_api_keys", "each", {"project_id": "proj_a", "keys": [_project_shaped]})],
		"child_modules": [{"resources": [_data_source("openai_api_keys", "all", {"keys": [listed]})]}],
	})
	results := keys.findings with input as plan
	count(results) == 2
	every finding in results {
		finding.project_name == "Production"
	}
}

test_duplicates_across_admin_and_api_keys_count_once if {
	plan := _plan_at(_now, {"resources": [
		_data_source("openai_api_keys", "all", {"keys": _three_admin_keys}),
		_data_source("openai_admin_api_keys", "all", {"keys": _three_admin_keys}),
	]})
	keys.findings == set() with input as plan
		with data.openai_keys as {"max_admin_keys": 3}
}

test_other_resources_are_ignored if {
	plan := _plan_at(_now, {"resources": [
		_data_source("openai_projects", "all", {"projects": [], "ids": []}),
		object.union(_data_source("openai_api_keys", "all", {"keys": [_messy_key]}), {"mode": "managed"}),
	]})
	keys.findings == set() with input as plan
}

# --- odd but legal inventories and settings ----------------------------------------

test_user_owner_without_details if {
	key := object.union(_project_key, {"owner": {"type": "user", "id": null, "name": null, "email": null}})
	[finding] := _one(keys.findings, "user_owned") with input as _plan([key])
	finding.owner == null
	finding.detail == "owned by user (unknown)"
}

test_key_without_owner if {
	key := object.union_n([_admin_key, {"owner": null, "expires_at": null, "expires_at_rfc3339": null}])
	[finding] := _one(keys.findings, "no_expiry") with input as _plan([key])
	finding.owner == null
	_one(keys.findings, "user_owned") == [] with input as _plan([key])
}

test_more_bad_settings_deny if {
	settings := {"max_admin_keys": 2.5, "exceptions": {"key_p": {"rules": ["idle", "stale"], "until": "2026-12-31"}}}
	errors := keys.settings_errors with input as _plan([])
		with data.openai_keys as settings
	errors == {
		"max_admin_keys must be null or a whole number, 0 or more, not 2.5",
		`exceptions["key_p"].rules: unknown rule "stale"; the rules are expired, expiring_soon, idle, never_used, no_expiry, owner_without_access, too_many_admin_keys, too_old, user_owned`,
	}
}
