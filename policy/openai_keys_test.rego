package openai.keys_test

import data.openai.keys

# What the policy alone does: read the inventory out of a plan's JSON, take
# its settings from a data document, say deny or warn. The rules themselves,
# their boundaries, exceptions and settings errors are the case corpus's
# (internal/hygiene/testdata/cases), which openai_keys_corpus_test.rego runs
# through this policy as the engine and the module run it. Every fixture is a
# small plan JSON, as `terraform show -json PLAN` writes it, planned at _now.

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

_messy_key := object.union_n([_project_key, {"owner": _user}, _used("2026-01-02T00:00:00Z")])

_three_admin_keys := [
	_admin_key,
	object.union(_admin_key, {"id": "key_b"}),
	object.union(_admin_key, {"id": "key_c"}),
]

# --- what reaches the policy ------------------------------------------------------

test_plan_without_key_data_sources if {
	plan := _plan_at(_now, {"resources": [_data_source("openai_projects", "all", {"projects": [], "ids": []})]})
	keys.findings == set() with input as plan
}

test_settings_defaults_without_data if {
	keys.settings == {
		"now": null, "max_idle_days": 90, "never_used_grace_days": 7, "rotation_days": 365, "expiry_warning_days": 14,
		"max_admin_keys": null, "max_keys_per_owner": null, "max_org_owners": null, "rules": keys.rule_names,
		"enforce": set(), "exceptions": {}, "users": null,
	} with input as _plan([])
}

test_settings_null_means_default if {
	settings := keys.settings with input as _plan([])
		with data.openai_keys as {"max_idle_days": null, "rules": null, "max_admin_keys": 3}
	settings.max_idle_days == 90
	settings.rules == keys.rule_names
	settings.max_admin_keys == 3
}

test_now_setting_wins_over_the_plan_timestamp if {
	# Planned in 2026; judged at the settings' now, a year on.
	results := keys.findings with input as _plan([_admin_key])
		with data.openai_keys as {"now": "2027-12-01T00:00:00Z", "rules": ["expired"]}
	[finding.detail | some finding in results] == ["expired 2027-01-27, before 2027-12-01"]
}

test_input_without_timestamp_denies if {
	plan := object.remove(_plan([_admin_key]), ["timestamp"])
	"openai.keys settings: the plan has no RFC 3339 timestamp: give the policy the JSON of a plan (terraform show -json PLAN), or set now" in keys.deny with input as plan
}

# --- the plan's shape: as it is, or as each platform hands it ---------------------------

_stale_plan := _plan([object.union(_project_key, {"owner_project_access": "inactive", "owner": _user})])

_results := {"findings": keys.findings, "deny": keys.deny, "warn": keys.warn}

test_every_platform_shape_gives_the_raw_plan_results if {
	raw := _results with input as _stale_plan with data.openai_keys as {"enforce": ["user_owned"]}
	count(raw.findings) == 2
	count(raw.deny) == 1
	every shape in [
		{"plan": _stale_plan, "run": {"id": "run-abc"}}, # HCP Terraform, env0
		{"tfplan": _stale_plan, "tfrun": {"id": "run-abc"}}, # Scalr
		# A Spacelift custom input, trimmed to what the policy reads.
		{"terraform": {"resource_changes": []}, "third_party_metadata": {"custom": {"openai": {
			"timestamp": _stale_plan.timestamp,
			"prior_state": _stale_plan.prior_state,
		}}}},
	] {
		raw == _results with input as shape with data.openai_keys as {"enforce": ["user_owned"]}
	}
}

test_an_input_of_unknown_shape_warns if {
	results := _results with input as {"resource_changes": [], "terraform_version": "1.11.4"}
	results.findings == set()
	results.deny == set()
	results.warn == {"openai.keys: the input is not a plan's JSON (terraform show -json), nor one under plan (HCP Terraform, env0), tfplan (Scalr) or third_party_metadata.custom.openai (a Spacelift custom input): no key was checked"}
}

test_a_plan_without_key_data_sources_warns if {
	plan := _plan_at(_now, {"resources": [_data_source("openai_projects", "all", {"projects": [], "ids": []})]})
	keys.warn == {"openai.keys: the plan reads no openai_api_keys, openai_admin_api_keys or openai_project_api_keys data source: no key was checked. Read one in the configuration: its keys are in the plan's prior_state"} with input as plan
}

# Without a data document, the settings are the plan's hygiene_settings
# output, as examples/compliance exports them; a data document wins.
test_settings_from_the_plan_output if {
	plan := object.union(_stale_plan, {"planned_values": {"outputs": {"hygiene_settings": {"sensitive": false, "value": {"rules": ["user_owned"], "enforce": ["user_owned"]}}}}})
	keys.deny == {"user_owned: key_p (prod-backend) in project Production: owned by user grace@example.com"} with input as plan
	count(keys.deny) == 0 with input as plan with data.openai_keys as {"rules": ["owner_without_access"]}
	inside := {"plan": plan, "run": {}}
	keys.settings.enforce == ["user_owned"] with input as inside
}

# A Spacelift custom input trimmed to what the policy reads carries the
# settings in the plan's output: Spacelift has no data documents.
test_settings_from_a_trimmed_spacelift_input if {
	custom := {
		"timestamp": _stale_plan.timestamp,
		"prior_state": _stale_plan.prior_state,
		"planned_values": {"outputs": {"hygiene_settings": {"sensitive": false, "value": {"enforce": ["owner_without_access"]}}}},
	}
	keys.deny == {"owner_without_access: key_p (prod-backend) in project Production: owner grace@example.com no longer has access to project Production"} with input as {"third_party_metadata": {"custom": {"openai": custom}}}
}

# An output known only at apply has no value in the plan: the settings are
# refused, not replaced by the defaults.
test_settings_output_unknown_at_plan_time_denies if {
	plan := object.union(_stale_plan, {"planned_values": {"outputs": {"hygiene_settings": {"sensitive": false}}}})
	"openai.keys settings: the plan's hygiene_settings output has no value known at plan time, so its settings cannot be read: give it values known at plan time, or pass the settings as data.openai_keys" in keys.deny with input as plan
	count(keys.settings_errors) == 0 with input as plan with data.openai_keys as {}
}

# --- deny, warn and their messages ---------------------------------------------------

test_enforce_denies_and_the_rest_warns if {
	key := object.union(_project_key, {"owner_project_access": "inactive", "owner": _user})
	deny := keys.deny with input as _plan([key]) with data.openai_keys as {"enforce": ["owner_without_access"]}
	warn := keys.warn with input as _plan([key]) with data.openai_keys as {"enforce": ["owner_without_access"]}
	deny == {"owner_without_access: key_p (prod-backend) in project Production: owner grace@example.com no longer has access to project Production"}
	warn == {"user_owned: key_p (prod-backend) in project Production: owned by user grace@example.com"}
}

test_nothing_enforced_by_default if {
	key := object.union(_project_key, {"owner_project_access": "inactive"})
	keys.deny == set() with input as _plan([key]) with data.openai_keys as {}
	count(keys.warn) == 1 with input as _plan([key]) with data.openai_keys as {}
}

test_admin_key_message_without_name_or_project if {
	key := object.union(_admin_key, {"name": null, "expires_at": null, "expires_at_rfc3339": null})
	keys.warn == {"no_expiry: key_a: admin key with no expiry date"} with input as _plan([key]) with data.openai_keys as {}
}

test_too_many_admin_keys_message if {
	keys.deny == {"too_many_admin_keys: 3 admin keys, more than max_admin_keys = 2"} with input as _plan(_three_admin_keys)
		with data.openai_keys as {"max_admin_keys": 2, "enforce": ["too_many_admin_keys"]}
}

test_too_many_org_owners_message if {
	plan := _plan_at(_now, {"resources": [_data_source("openai_users", "all", {"users": [
		{"id": "user_1", "email": "grace@example.com", "role": "owner"},
		{"id": "user_2", "name": "Ada Lovelace", "role": "owner"},
	]})]})
	warn := keys.warn with input as plan with data.openai_keys as {"max_org_owners": 1}
	{m | some m in warn; startswith(m, "too_many_org_owners")} == {"too_many_org_owners: 2 organization owners, more than max_org_owners = 1: Ada Lovelace, grace@example.com"}
	keys.deny == {"too_many_org_owners: 2 organization owners, more than max_org_owners = 1: Ada Lovelace, grace@example.com"} with input as plan
		with data.openai_keys as {"max_org_owners": 1, "enforce": ["too_many_org_owners"]}
}

test_enforced_rule_under_exception_does_not_deny if {
	key := object.union(_project_key, {"owner_project_access": "inactive"})
	keys.deny == set() with input as _plan([key])
		with data.openai_keys as {
			"enforce": ["owner_without_access"],
			"exceptions": {"key_p": {"rules": ["owner_without_access"], "reason": "Handed over this week.", "until": "2026-12-05"}},
		}
}

# Settings the engine refuses, and keys it cannot read, block: the corpus has
# each problem's words, these show that each becomes a deny.
test_settings_problems_deny if {
	"openai.keys settings: rules lists \"idel\", which is not a rule: the rules are archived_project_key, expired, expiring_soon, idle, never_used, no_expiry, owner_without_access, service_account_owner, too_many_admin_keys, too_many_keys_per_owner, too_many_org_owners, too_old, user_owned" in keys.deny with input as _plan([])
		with data.openai_keys as {"rules": ["idel"]}
}

test_inventory_problems_deny if {
	key := object.union(_admin_key, {"created_at_rfc3339": "soon"})
	keys.deny == {"openai.keys inventory: key \"key_a\": created_at_rfc3339 = \"soon\": must be an RFC 3339 time such as \"2026-01-02T03:04:05Z\""} with input as _plan([key])
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

test_users_come_from_openai_users_in_child_modules if {
	admin := object.union(_admin_key, {"owner": {"type": "user", "id": "user_gone", "name": "Linus"}})
	plan := _plan_at(_now, {
		"resources": [_data_source("openai_api_keys", "all", {"keys": [admin]})],
		"child_modules": [{
			"address": "module.org",
			"resources": [object.union(
				_data_source("openai_users", "all", {"users": [{"id": "user_1", "role": "owner"}], "ids": ["user_1"]}),
				{"address": "module.org.data.openai_users.all"},
			)],
		}],
	})
	[f.detail | some f in keys.findings; f.rule == "owner_without_access"] == ["owner Linus is not a user of the organization"] with input as plan

	# The users setting wins over the plan's.
	count([f | some f in keys.findings; f.rule == "owner_without_access"]) == 0 with input as plan
		with data.openai_keys as {"users": [{"id": "user_gone"}]}
}

# The corpus holds every shape of key and every rule; these tests show how the
# policy reads them out of a plan, and what it makes of the results.

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
	} with input as plan with data.openai_keys as {}
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

# --- what the gate must not keep quiet about ------------------------------------------

_defaults_warning := concat("", [
	"openai.keys settings: default settings used: neither a data document {\"openai_keys\": {...}} nor a ",
	"hygiene_settings output in the plan gives the team's settings. Pass them with --data (Conftest) or -d (OPA), ",
	"or output the module's settings as hygiene_settings, as examples/compliance does",
])

test_default_settings_warn_once if {
	warn := keys.warn with input as _plan([_admin_key])
	{m | some m in warn; contains(m, "default")} == {_defaults_warning}
}

test_settings_given_do_not_warn_of_defaults if {
	with_data := keys.warn with input as _plan([_admin_key]) with data.openai_keys as {}
	not _defaults_warning in with_data
	plan := object.union(_plan([_admin_key]), {"planned_values": {"outputs": {"hygiene_settings": {"sensitive": false, "value": {"max_idle_days": 30}}}}})
	from_plan := keys.warn with input as plan
	not _defaults_warning in from_plan
}

test_lapsed_and_unmatched_exceptions_warn_one_message_each if {
	settings := {"rules": ["user_owned"], "exceptions": {
		"key_a": {"rules": ["user_owned"], "reason": "Until the CI account takes over.", "until": "2027-01-31"},
		"key_typo": {"rules": ["user_owned"], "reason": "Meant for key_a.", "until": "2027-01-31"},
		"key_gone": {"rules": ["user_owned"], "reason": "Revoked in October.", "until": "2026-10-31"},
	}}
	warn := keys.warn with input as _plan([object.union(_admin_key, {"owner": _user})]) with data.openai_keys as settings
	warn == {
		"exception for key_gone: lapsed (until \"2026-10-31\"); its findings are back. Renew it with a reason, or fix the key",
		"exception for key_gone: no key of the inventory has this id (a typo, or a revoked key). Correct the id, or remove the exception",
		"exception for key_typo: no key of the inventory has this id (a typo, or a revoked key). Correct the id, or remove the exception",
	}
	keys.unmatched_exceptions == {"key_gone", "key_typo"} with input as _plan([_admin_key]) with data.openai_keys as settings
}
