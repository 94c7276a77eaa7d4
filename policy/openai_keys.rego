# METADATA
# title: OpenAI API key hygiene
# description: |-
#   The key-hygiene rules of the provider's engine (internal/hygiene, behind
#   provider::openai::key_hygiene and modules/key-hygiene), read from the JSON
#   of a terraform plan (terraform show -json): the same rule names,
#   settings, validation, boundaries, finding fields and detail texts. The
#   case corpus in internal/hygiene/testdata/cases holds the engine, the
#   module and this policy to the same answers (openai_keys_corpus_test.rego).
#   The plan may come as it is, or as HCP Terraform, env0 (input.plan),
#   Scalr (input.tfplan) or a Spacelift custom input
#   (input.third_party_metadata.custom.openai) hand it.
package openai.keys

# ---------------------------------------------------------------------------
# The plan, in whichever shape the platform hands it: the same result from
# each. An input in none of them warns, never passes silently.

_plan := input if _is_plan(input)

else := input.plan if _is_plan(input.plan)

else := input.tfplan if _is_plan(input.tfplan)

else := input.third_party_metadata.custom.openai if _is_plan(input.third_party_metadata.custom.openai)

# A plan's JSON has its format version; the trimmed plan of a Spacelift
# custom input may have only its time and prior state.
_is_plan(doc) if {
	is_object(doc)
	some name in ["format_version", "prior_state", "timestamp"]
	object.get(doc, name, null) != null
}

_has_plan if _plan

warn contains concat("", [
	"openai.keys: the input is not a plan's JSON (terraform show -json), nor one under plan (HCP Terraform, env0), ",
	"tfplan (Scalr) or third_party_metadata.custom.openai (a Spacelift custom input): no key was checked",
]) if not _has_plan

warn contains concat("", [
	"openai.keys: the plan reads no openai_api_keys, openai_admin_api_keys or openai_project_api_keys data source: ",
	"no key was checked. Read one in the configuration: its keys are in the plan's prior_state",
]) if {
	_has_plan
	count(_data_sources) == 0
}

# The rule names are the interface shared with the engine and the module.
rule_names := {
	"archived_project_key",
	"expired",
	"expiring_soon",
	"idle",
	"never_used",
	"no_expiry",
	"owner_without_access",
	"service_account_owner",
	"too_many_admin_keys",
	"too_many_keys_per_owner",
	"too_many_org_owners",
	"too_old",
	"user_owned",
}

# The rules about the organization, not one key, and the setting to raise
# instead of an exception, which cannot list them.
_org_rules := {
	"too_many_admin_keys": "max_admin_keys",
	"too_many_org_owners": "max_org_owners",
}

# The settings, in the order the engine names them.
_setting_names := [
	"now",
	"max_idle_days",
	"never_used_grace_days",
	"rotation_days",
	"expiry_warning_days",
	"max_admin_keys",
	"max_keys_per_owner",
	"max_org_owners",
	"rules",
	"enforce",
	"exceptions",
	"users",
]

_day_defaults := {
	"max_idle_days": 90,
	"never_used_grace_days": 7,
	"rotation_days": 365,
	"expiry_warning_days": 14,
}

_defaults := object.union(_day_defaults, {
	"now": null,
	"max_admin_keys": null,
	"max_keys_per_owner": null,
	"max_org_owners": null,
	"users": null,
	"rules": rule_names,
	"enforce": set(),
	"exceptions": {},
})

# The settings: data.openai_keys when it is given; else the plan's own
# hygiene_settings output, which examples/compliance passes to the module
# too, so that platforms without data documents (Spacelift) judge by the
# module's settings. Each field is optional; a null field means the default.
default _given := {}

_given := data.openai_keys if is_object(data.openai_keys)

else := _plan.planned_values.outputs.hygiene_settings.value if {
	not _settings_in_data
	is_object(_plan.planned_values.outputs.hygiene_settings.value)
}

_settings_in_data if data.openai_keys != null

# The settings in force, defaults filled in.
settings[name] := value if {
	some name, fallback in _defaults
	value := _or(object.get(_given, name, null), fallback)
}

_or(value, fallback) := fallback if value == null

else := value

_rule_list := concat(", ", sort(rule_names))

_day_ns := (24 * 3600) * 1000000000

# ---------------------------------------------------------------------------
# Time: the now setting when given, else the plan's own timestamp, the same
# instant as plantimestamp().

_now_text := settings.now if settings.now != null

else := _plan.timestamp

_now_ns := time.parse_rfc3339_ns(_now_text)

_today := substring(_now_text, 0, 10)

# ---------------------------------------------------------------------------
# The inventory: every key data source read during the plan, in the root
# module and in child modules (prior_state holds what data sources read).

# Preferred first when several data sources list the same key: openai_api_keys
# carries every attribute, the per-kind data sources fewer.
_source_rank := {
	"openai_api_keys": 0,
	"openai_admin_api_keys": 1,
	"openai_project_api_keys": 2,
}

# Every module of the plan, the root and its child modules up to six levels
# down. They are named level by level rather than found by walk, which would
# visit every attribute of every key: several times the cost of the rules
# for tens of thousands of keys.
_root := _plan.prior_state.values.root_module

_modules contains _root

_modules contains module if some module in _root.child_modules

_modules contains module if some module in _root.child_modules[_].child_modules

_modules contains module if some module in _root.child_modules[_].child_modules[_].child_modules

_modules contains module if some module in _root.child_modules[_].child_modules[_].child_modules[_].child_modules

_modules contains module if some module in _root.child_modules[_].child_modules[_].child_modules[_].child_modules[_].child_modules

_modules contains module if some module in _root.child_modules[_].child_modules[_].child_modules[_].child_modules[_].child_modules[_].child_modules

_data_sources contains resource if {
	some module in _modules
	some resource in module.resources
	resource.mode == "data"
	resource.type in object.keys(_source_rank)
	is_array(resource.values.keys)
}

# The data sources in the order their keys count: by rank, then address.
_sources := [source | some entry in sort([[_source_rank[r.type], r.address, r] | some r in _data_sources]); source := entry[2]]

# [raw key, data source] for every listing, in the order the engine would
# meet them: only the few data sources are sorted, never the keys.
_listings := [[raw, source] |
	some source in _sources
	some raw in source.values.keys
]

# The attributes the rules read, null when a listing lacks them.
_absent := {
	"kind": null,
	"name": null,
	"last_used_at_rfc3339": null,
	"expires_at_rfc3339": null,
	"project_id": null,
	"project_name": null,
	"project_status": null,
	"owner_project_access": null,
	"owner": null,
}

# What a data source implies about its keys: the per-kind ones have no kind,
# and a project's listing names its project only by id and never expires.
_implied(source) := {} if source.type == "openai_api_keys"

_implied(source) := {"kind": "admin"} if source.type == "openai_admin_api_keys"

_implied(source) := {
	"kind": "project",
	"project_id": object.get(source.values, "project_id", null),
	"project_name": null,
	"expires_at_rfc3339": null,
} if source.type == "openai_project_api_keys"

_implied_by := {source.address: _implied(source) | some source in _sources}

# One key per listing the engine would read, built in one pass with builtins
# alone: a helper call per key or per finding costs more, at tens of thousands
# of keys, than every rule together. A listing the engine would refuse has no
# key; inventory_errors says why.
_listed := [key |
	some listing in _listings
	raw := listing[0]
	is_object(raw)
	is_string(raw.id)
	raw.id != ""
	full := object.union(object.union(_absent, raw), _implied_by[listing[1].address])
	full.kind in {null, "admin", "project"}
	type_name(full.name) in {"string", "null"}
	type_name(full.project_id) in {"string", "null"}
	type_name(full.project_name) in {"string", "null"}
	type_name(full.project_status) in {"string", "null"}
	type_name(full.owner_project_access) in {"string", "null"}
	type_name(full.owner) in {"object", "null"}
	created_ns := time.parse_rfc3339_ns(full.created_at_rfc3339)
	owner := _object_or_empty(full.owner)
	key := object.union(full, {
		# A null kind counts as admin.
		"kind": object.get(_kinds, full.kind, "admin"),
		"created_ns": created_ns,
		"owner_type": object.get(owner, "type", null),
		"owner_id": object.get(owner, "id", null),
		"owner_role": object.get(owner, "role", null),
		"owner_label": _owner_label(owner),
		"project_label": _project_label(full),
		"listed_by": listing[1].address,
	})
]

_kinds := {"admin": "admin", "project": "project"}

_object_or_empty(null) := {}

_object_or_empty(o) := o if o != null

# The owner is the first of email, name and id that is neither null nor
# empty; a project is its name, else its id.
_owner_label(owner) := owner.email if _label(owner.email)

else := owner.name if _label(owner.name)

else := owner.id if _label(owner.id)

else := null

_project_label(key) := key.project_name if _label(key.project_name)

else := key.project_id if _label(key.project_id)

else := null

# Listings whose last use or expiry is neither null nor an RFC 3339 time.
_bad_times := [key |
	some key in _listed
	some attr in ["last_used_at_rfc3339", "expires_at_rfc3339"]
	key[attr] != null
	not time.parse_rfc3339_ns(key[attr])
]

_ids := {key.id | some key in _listed}

# One key per id: the first listing with kind "project" winning, else the
# first listing. The Admin API's admin key listing holds project keys too,
# labelled as admin keys; their project's listing knows their project and
# their owner's access. Most inventories list each id once: then the listings
# are the keys as they are.
_keys := _listed if count(_ids) == count(_listed)

else := [key |
	some i, key in _listed
	id := key.id

	# Indexed by OPA: one pass over the listings, not one per key.
	listings := [j | some j, other in _listed; other.id == id]
	projects := [j | some j in listings; _listed[j].kind == "project"]
	i == array.concat(projects, listings)[0]
]

# The address of the data source whose listing of each key counts, and the
# first key data source, for findings about the organization: the CI gate
# points each finding at the configuration line that read its key.
key_sources := {key.id: key.listed_by | some key in _keys}

first_source := _sources[0].address

# The addresses of the key data sources the policy read, in the order their
# keys count.
key_data_sources := [source.address | some source in _sources]

_label(s) if {
	is_string(s)
	s != ""
}

# ---------------------------------------------------------------------------
# The organization's users: the users setting when given, else every
# openai_users data source of the plan, by address; null when there are
# neither. A user listed twice counts once, the first listing winning.

_user_sources := sort([[r.address, r.values.users] |
	some module in _modules
	some r in module.resources
	r.mode == "data"
	r.type == "openai_users"
	is_array(r.values.users)
])

_users_given := settings.users if settings.users != null

else := [user | some source in _user_sources; some user in source[1]] if count(_user_sources) > 0

else := null

# The users the rules read: those with an id; users_errors names the others.
_user_listings := [user |
	is_array(_users_given)
	some user in _users_given
	is_object(user)
	_label(user.id)
]

_user_listing_ids := {user.id | some user in _user_listings}

_users := null if not is_array(_users_given)

else := _user_listings if count(_user_listing_ids) == count(_user_listings)

else := [user |
	some i, user in _user_listings
	id := user.id
	first := [j | some j, other in _user_listings; other.id == id]
	i == first[0]
]

_user_ids := {id: true | some id in _user_listing_ids}

_user_label(user) := user.email if _label(object.get(user, "email", null))

else := user.name if _label(object.get(user, "name", null))

else := user.id

# ---------------------------------------------------------------------------
# The rules, each only when enabled. Every "more than N days" is strict.

_rules := {rule | some rule in settings.rules}

_enforce := {rule | some rule in settings.enforce}

_days(name) := format_int(settings[name], 10)

_before_now(name) := _now_ns - (settings[name] * _day_ns)

# The findings of each rule, after exceptions, built where the rule finds
# them: a helper call per finding costs more than the rule. Kept by rule, so
# that deny computes only the enforced rules and summary counts by looking.

# [key id, rule] of every finding an active exception accepts.
_accepted contains [id, rule] if {
	some id, exception in settings.exceptions
	_now_ns < _exception_end_ns(exception.until)
	some rule in exception.rules
}

_by_rule["never_used"] := [finding |
	"never_used" in _rules
	before := _before_now("never_used_grace_days")
	some key in _keys
	key.last_used_at_rfc3339 == null
	key.created_ns < before
	not [key.id, "never_used"] in _accepted
	detail := concat("", ["never used; created ", substring(key.created_at_rfc3339, 0, 10), ", more than ", _days("never_used_grace_days"), " days before ", _today])
	finding := {"rule": "never_used", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": detail}
]

_by_rule["idle"] := [finding |
	"idle" in _rules
	before := _before_now("max_idle_days")
	some key in _keys
	key.last_used_at_rfc3339 != null
	time.parse_rfc3339_ns(key.last_used_at_rfc3339) < before
	not [key.id, "idle"] in _accepted
	detail := concat("", ["last used ", substring(key.last_used_at_rfc3339, 0, 10), ", more than ", _days("max_idle_days"), " days before ", _today])
	finding := {"rule": "idle", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": detail}
]

_by_rule["no_expiry"] := [finding |
	"no_expiry" in _rules
	some key in _keys
	key.kind == "admin"
	key.expires_at_rfc3339 == null
	not [key.id, "no_expiry"] in _accepted
	finding := {"rule": "no_expiry", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": "admin key with no expiry date"}
]

_by_rule["expiring_soon"] := [finding |
	"expiring_soon" in _rules
	until := _now_ns + (settings.expiry_warning_days * _day_ns)
	some key in _keys
	key.expires_at_rfc3339 != null
	expires := time.parse_rfc3339_ns(key.expires_at_rfc3339)
	_now_ns <= expires
	expires <= until
	not [key.id, "expiring_soon"] in _accepted
	detail := concat("", ["expires ", substring(key.expires_at_rfc3339, 0, 10), ", within ", _days("expiry_warning_days"), " days of ", _today])
	finding := {"rule": "expiring_soon", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": detail}
]

_by_rule["expired"] := [finding |
	"expired" in _rules
	some key in _keys
	key.expires_at_rfc3339 != null
	time.parse_rfc3339_ns(key.expires_at_rfc3339) < _now_ns
	not [key.id, "expired"] in _accepted
	detail := concat("", ["expired ", substring(key.expires_at_rfc3339, 0, 10), ", before ", _today])
	finding := {"rule": "expired", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": detail}
]

_by_rule["too_old"] := [finding |
	"too_old" in _rules
	before := _before_now("rotation_days")
	some key in _keys
	key.created_ns < before
	not [key.id, "too_old"] in _accepted
	detail := concat("", ["created ", substring(key.created_at_rfc3339, 0, 10), ", more than ", _days("rotation_days"), " days before ", _today])
	finding := {"rule": "too_old", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": detail}
]

_by_rule["user_owned"] := [finding |
	"user_owned" in _rules
	some key in _keys
	key.owner_type == "user"
	not [key.id, "user_owned"] in _accepted
	finding := {"rule": "user_owned", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": concat("", ["owned by user ", _or(key.owner_label, "(unknown)")])}
]

_project_owners_without_access := [finding |
	"owner_without_access" in _rules
	some key in _keys
	key.kind == "project"
	key.owner_project_access == "inactive"
	not [key.id, "owner_without_access"] in _accepted
	detail := concat("", [
		"owner ", _or(key.owner_label, "(unknown)"),
		" no longer has access to project ", _or(key.project_label, "(unknown)"),
	])
	finding := {"rule": "owner_without_access", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": detail}
]

_by_rule["archived_project_key"] := [finding |
	"archived_project_key" in _rules
	some key in _keys
	key.kind == "project"
	key.project_status == "archived"
	not [key.id, "archived_project_key"] in _accepted
	detail := concat("", ["key of archived project ", _or(key.project_label, "(unknown)")])
	finding := {"rule": "archived_project_key", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": detail}
]

_by_rule["service_account_owner"] := [finding |
	"service_account_owner" in _rules
	some key in _keys
	key.kind == "project"
	key.owner_type == "service_account"
	key.owner_role == "owner"
	not [key.id, "service_account_owner"] in _accepted
	detail := concat("", [
		"owned by service account ", _or(key.owner_label, "(unknown)"),
		", which has the owner role in project ", _or(key.project_label, "(unknown)"),
	])
	finding := {"rule": "service_account_owner", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": detail}
]

# Given the users, a user-owned admin key's owner must be one of them.
_by_rule["owner_without_access"] := array.concat(_project_owners_without_access, _admin_owners_without_access)

_admin_owners_without_access := [finding |
	"owner_without_access" in _rules
	_users != null
	some key in _keys
	key.kind == "admin"
	key.owner_type == "user"
	is_string(key.owner_id)
	key.owner_id != ""
	not _user_ids[key.owner_id]
	not [key.id, "owner_without_access"] in _accepted
	detail := concat("", ["owner ", _or(key.owner_label, "(unknown)"), " is not a user of the organization"])
	finding := {"rule": "owner_without_access", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": detail}
]

# Every key of an owner holding more than max_keys_per_owner keys in one
# project, or, for admin keys, in the organization. Owners are told apart by
# id; the rule is off while the setting is null.
_owned := [[holder, key] |
	"too_many_keys_per_owner" in _rules
	settings.max_keys_per_owner != null
	some key in _keys
	is_string(key.owner_id)
	key.owner_id != ""
	holder := _holder(key)
]

_holder(key) := ["admin", "", key.owner_id] if key.kind == "admin"

else := ["project", _or(key.project_id, ""), key.owner_id]

_by_rule["too_many_keys_per_owner"] := [finding |
	some entry in _owned
	holder := entry[0]

	# Indexed by OPA: one pass over the keys, not one per key.
	held := count([1 | some other in _owned; other[0] == holder])
	held > settings.max_keys_per_owner
	key := entry[1]
	not [key.id, "too_many_keys_per_owner"] in _accepted
	detail := concat("", [
		"owner ", _or(key.owner_label, "(unknown)"), " holds ", format_int(held, 10), " ", _held_where(key),
		", more than max_keys_per_owner = ", format_int(settings.max_keys_per_owner, 10),
	])
	finding := {"rule": "too_many_keys_per_owner", "key_id": key.id, "kind": key.kind, "key_name": key.name, "project_id": key.project_id, "project_name": key.project_name, "owner": key.owner_label, "detail": detail}
]

_held_where(key) := "admin keys" if key.kind == "admin"

else := concat("", ["keys in project ", _or(key.project_label, "(unknown)")])

# One finding for the organization, given its users: it belongs to no key,
# so no exception can cover it, and to no kind of key.
_by_rule["too_many_org_owners"] := [finding |
	"too_many_org_owners" in _rules
	settings.max_org_owners != null
	_users != null
	owners := sort([_user_label(user) | some user in _users; user.role == "owner"])
	count(owners) > settings.max_org_owners
	finding := {
		"rule": "too_many_org_owners",
		"key_id": null,
		"kind": null,
		"key_name": null,
		"project_id": null,
		"project_name": null,
		"owner": null,
		"detail": sprintf("%d organization owners, more than max_org_owners = %s: %s", [count(owners), format_int(settings.max_org_owners, 10), concat(", ", owners)]),
	}
]

# One finding for the organization: it belongs to no key, so no exception
# can cover it.
_by_rule["too_many_admin_keys"] := [finding |
	"too_many_admin_keys" in _rules
	settings.max_admin_keys != null
	admin_keys := count([key | some key in _keys; key.kind == "admin"])
	admin_keys > settings.max_admin_keys
	finding := {
		"rule": "too_many_admin_keys",
		"key_id": null,
		"kind": "admin",
		"key_name": null,
		"project_id": null,
		"project_name": null,
		"owner": null,
		"detail": sprintf("%d admin keys, more than max_admin_keys = %s", [admin_keys, format_int(settings.max_admin_keys, 10)]),
	}
]

# Every finding after exceptions.
findings := {finding | some fs in _by_rule; some finding in fs}

# ---------------------------------------------------------------------------
# Exceptions: a date means through the end of that day in UTC; an RFC 3339
# time means until that instant.

_exception_end_ns(until) := time.parse_rfc3339_ns(concat("", [until, "T00:00:00Z"])) + _day_ns if {
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, until)
} else := time.parse_rfc3339_ns(until)

# ---------------------------------------------------------------------------
# Results.

summary[rule] := count(_by_rule[rule]) if some rule in (_rules & rule_names)

passed := count(findings) == 0

# Lapsed exceptions, whether or not their key is still in the inventory.
expired_exceptions contains id if {
	some id, exception in settings.exceptions
	_now_ns >= _exception_end_ns(exception.until)
}

# Exceptions, lapsed or not, that name no key of the inventory: a mistyped
# id, or a key revoked since. They accept nothing.
unmatched_exceptions contains id if {
	some id, _ in settings.exceptions
	not id in _ids
}

# Each exception that accepts nothing warns, naming its key id, as the
# module's check blocks do.
warn contains sprintf("exception for %s: lapsed (until %s); its findings are back. Renew it with a reason, or fix the key", [id, _render(settings.exceptions[id].until)]) if {
	some id in expired_exceptions
}

warn contains sprintf("exception for %s: no key of the inventory has this id (a typo, or a revoked key). Correct the id, or remove the exception", [id]) if {
	some id in unmatched_exceptions
}

# Judging by the defaults when the team's settings were meant to apply would
# pass what the module fails: say so.
warn contains concat("", [
	"openai.keys settings: default settings used: neither a data document {\"openai_keys\": {...}} nor a ",
	"hygiene_settings output in the plan gives the team's settings. Pass them with --data (Conftest) or -d (OPA), ",
	"or output the module's settings as hygiene_settings, as examples/compliance does",
]) if {
	count(_data_sources) > 0
	not _settings_in_data
	not _settings_in_plan
}

_settings_in_plan if is_object(_plan.planned_values.outputs.hygiene_settings.value)

deny contains concat("", [rule, ": ", _prefix[finding.key_id], finding.detail]) if {
	some rule in _enforce
	some finding in _by_rule[rule]
	finding.key_id != null
}

warn contains concat("", [rule, ": ", _prefix[finding.key_id], finding.detail]) if {
	some rule, fs in _by_rule
	not rule in _enforce
	some finding in fs
	finding.key_id != null
}

# The organization's findings have no key part.
deny contains concat("", [rule, ": ", finding.detail]) if {
	some rule, _ in _org_rules
	rule in _enforce
	some finding in _by_rule[rule]
}

warn contains concat("", [rule, ": ", finding.detail]) if {
	some rule, _ in _org_rules
	not rule in _enforce
	some finding in _by_rule[rule]
}

# What a message says of each key before the detail, built once per key when
# messages are asked for: "key_abc (ci-deploy) in project Production: ".
# message_prefix is the same, for the reports of openai.keys.report.
message_prefix := _prefix

_prefix := {key.id: concat("", [key.id, _name_part(key), _project_part(key), ": "]) | some key in _keys}

_name_part(key) := concat("", [" (", key.name, ")"]) if key.name != null

else := ""

_project_part(key) := concat("", [" in project ", _or(key.project_label, "(unknown)")]) if key.kind == "project"

else := ""

# Settings the engine would refuse, keys it could not read, and input that
# is no plan, block too: otherwise a typo would silently pass every key.
deny contains concat("", ["openai.keys settings: ", problem]) if {
	some problem in settings_errors
}

deny contains concat("", ["openai.keys inventory: ", problem]) if {
	some problem in inventory_errors
}

# ---------------------------------------------------------------------------
# Settings validation: the engine's problems, word for word.

_render(value) := json.marshal(value)

_whole_number(n) if {
	is_number(n)
	floor(n) == n
}

settings_errors contains sprintf("settings = %s: must be an object of settings, such as { now = plantimestamp() }", [_render(data.openai_keys)]) if {
	not is_object(data.openai_keys)
	data.openai_keys != null
}

# The plan's settings output, when it stands in for the data document, must
# be known at plan time: else every rule would run at its default, and none
# be enforced, without a word.
settings_errors contains concat("", [
	"the plan's hygiene_settings output has no value known at plan time, so its settings cannot be read: ",
	"give it values known at plan time, or pass the settings as data.openai_keys",
]) if {
	not _settings_in_data
	output := _plan.planned_values.outputs.hygiene_settings
	object.get(output, "value", null) == null
}

settings_errors contains sprintf("the plan's hygiene_settings output = %s: must be an object of settings, such as { max_idle_days = 90 }", [_render(value)]) if {
	not _settings_in_data
	value := _plan.planned_values.outputs.hygiene_settings.value
	value != null
	not is_object(value)
}

settings_errors contains sprintf("%q is not a setting: the settings are %s", [name, concat(", ", _setting_names)]) if {
	some name, _ in _given
	not name in _setting_names
}

settings_errors contains sprintf(`now = %s: must be an RFC 3339 time such as "2026-11-28T12:00:00Z": pass plantimestamp()`, [_render(settings.now)]) if {
	settings.now != null
	not _rfc3339(settings.now)
}

settings_errors contains "the plan has no RFC 3339 timestamp: give the policy the JSON of a plan (terraform show -json PLAN), or set now" if {
	_has_plan
	settings.now == null
	not _has_timestamp
}

# Apart: OPA binds a function's argument before it negates the call, so
# "not _rfc3339(_plan.timestamp)" would be undefined, not true, without one.
_has_timestamp if _rfc3339(_plan.timestamp)

_rfc3339(text) if {
	is_string(text)
	time.parse_rfc3339_ns(text)
}

settings_errors contains sprintf("%s = %s: must be a whole number of days from 0 to 36500, such as %d", [name, _render(value), fallback]) if {
	some name, fallback in _day_defaults
	value := settings[name]
	not _days_value(value)
}

_days_value(n) if {
	_whole_number(n)
	n >= 0
	n <= 36500
}

_caps := {
	"max_admin_keys": "must be null (no cap) or a whole number from 0 up, such as 25",
	"max_keys_per_owner": "must be null (the rule is off) or a whole number from 0 up, such as 2",
	"max_org_owners": "must be null (the rule is off) or a whole number from 0 up, such as 3",
}

settings_errors contains sprintf("%s = %s: %s", [name, _render(value), accepted]) if {
	some name, accepted in _caps
	value := settings[name]
	value != null
	not _cap_value(value)
}

# Caps go up to 2^40, as the engine's do.
_cap_value(n) if {
	_whole_number(n)
	n >= 0
	n <= 1099511627776
}

settings_errors contains problem if {
	some name in ["rules", "enforce"]
	object.get(_given, name, null) != null
	some problem in _rule_list_problems(name, _given[name], {})
}

# The problems of a list of rule names; refused rules may not be listed.
_rule_list_problems(name, value, refused) := {sprintf("%s = %s: must be a list of rule names: %s", [name, _render(value), _rule_list])} if {
	not is_array(value)
	not is_set(value)
} else := {problem |
	some item in value
	problem := _rule_name_problem(name, item, refused)
}

_rule_name_problem(name, item, _) := sprintf("%s lists %s, which is not a rule: the rules are %s", [name, _render(item), _rule_list]) if {
	not item in rule_names
}

_rule_name_problem(name, item, refused) := sprintf("%s lists %q, which no exception can list: it concerns the organization, not one key; raise %s instead", [name, item, refused[item]])

settings_errors contains sprintf("exceptions = %s: must be a map of key ids to exceptions, each { rules, reason, until }", [_render(value)]) if {
	value := object.get(_given, "exceptions", null)
	value != null
	not is_object(value)
}

settings_errors contains problem if {
	exceptions := object.get(_given, "exceptions", null)
	is_object(exceptions)
	some id, exception in exceptions
	some problem in _exception_problems(sprintf("exceptions[%q]", [id]), exception)
}

_exception_problems(name, exception) := {sprintf("%s = %s: must be an exception { rules, reason, until }", [name, _render(exception)])} if {
	not is_object(exception)
} else := _exception_field_problems(name, exception)

_exception_field_problems(name, exception) := problems if {
	rules := object.get(exception, "rules", null)
	reason := object.get(exception, "reason", null)
	until := object.get(exception, "until", null)
	problems := (_exception_rules_problems(name, rules) | _exception_reason_problems(name, reason)) | _exception_until_problems(name, until)
}

_exception_rules_problems(name, null) := {sprintf("%s.rules = null: must list the rules whose findings the exception accepts", [name])}

_exception_rules_problems(name, rules) := _rule_list_problems(concat("", [name, ".rules"]), rules, _org_rules) if rules != null

_exception_reason_problems(name, reason) := set() if {
	is_string(reason)
	trim_space(reason) != ""
} else := {sprintf("%s.reason = %s: every exception needs a reason, so that the next reader knows why the finding is accepted", [name, _render(reason)])}

_exception_until_problems(name, until) := set() if {
	is_string(until)
	_exception_end_ns(until)
} else := {sprintf(`%s.until = %s: must be a date such as "2027-06-30" (active through the end of that day, UTC) or an RFC 3339 time such as "2027-06-30T12:00:00Z"`, [name, _render(until)])}

settings_errors contains sprintf("users = %s: must be a list of users, such as data.openai_users.all.users, or null", [_render(settings.users)]) if {
	settings.users != null
	not is_array(settings.users)
}

settings_errors contains problem if {
	is_array(_users_given)
	some i, user in _users_given
	some problem in _user_problems(i, user)
}

_user_problems(i, user) := {sprintf("users[%d] = %s: must be a user { id, name, email, role }", [i, _render(user)])} if {
	not is_object(user)
} else := {sprintf(`users[%d].id = %s: every user needs its id, such as "user-abc"`, [i, _render(object.get(user, "id", null))])} if {
	not _label(object.get(user, "id", null))
} else := {sprintf("users[%d].%s = %s: must be a string or null", [i, attr, _render(value)]) |
	some attr in ["name", "email", "role"]
	value := object.get(user, attr, null)
	value != null
	not is_string(value)
}

# ---------------------------------------------------------------------------
# Keys the engine could not read, word for word.

_has_id(raw) if {
	is_string(raw.id)
	raw.id != ""
}

_time_accepted := `must be an RFC 3339 time such as "2026-01-02T03:04:05Z"`

inventory_errors contains sprintf("a key = %s: every key must be an object with an id, such as an element of data.openai_api_keys.<name>.keys", [_render(raw)]) if {
	some listing in _listings
	raw := listing[0]
	not is_object(raw)
}

inventory_errors contains sprintf("a key has no id (id = %s): every key needs one; pass the keys of an openai_api_keys, openai_admin_api_keys or openai_project_api_keys data source", [_render(object.get(raw, "id", null))]) if {
	some listing in _listings
	raw := listing[0]
	is_object(raw)
	not _has_id(raw)
}

# Each attribute is checked only when some listing failed to make a key, or
# has a time that is no time: most inventories cost no more than one pass.
_refused if count(_listed) < count(_listings)

_refused if count(_bad_times) > 0

inventory_errors contains problem if {
	_refused
	some listing in _listings
	raw := listing[0]
	is_object(raw)
	_has_id(raw)
	some problem in _key_problems(raw)
}

_key_problems(raw) := {sprintf("key %q: %s = %s: %s", [raw.id, attr, _render(value), accepted]) |
	some attr, accepted in _key_attrs_accepted
	value := object.get(raw, attr, null)
	not _key_attr_valid(attr, value)
}

_key_attrs_accepted := {
	"name": "must be a string or null",
	"project_id": "must be a string or null",
	"project_name": "must be a string or null",
	"project_status": "must be a string or null",
	"owner_project_access": "must be a string or null",
	"kind": `must be "admin", "project" or null (null counts as "admin")`,
	"created_at_rfc3339": _time_accepted,
	"last_used_at_rfc3339": concat("", [_time_accepted, " or null"]),
	"expires_at_rfc3339": concat("", [_time_accepted, " or null"]),
	"owner": "must be an object, such as { type, id, name, email } or null",
}

_key_attr_valid(attr, null) if attr != "created_at_rfc3339"

_key_attr_valid(attr, value) if {
	attr in {"name", "project_id", "project_name", "project_status", "owner_project_access"}
	is_string(value)
}

_key_attr_valid("kind", value) if value in {"admin", "project"}

_key_attr_valid("created_at_rfc3339", value) if _rfc3339(value)

_key_attr_valid("last_used_at_rfc3339", value) if _rfc3339(value)

_key_attr_valid("expires_at_rfc3339", value) if _rfc3339(value)

_key_attr_valid("owner", value) if is_object(value)
