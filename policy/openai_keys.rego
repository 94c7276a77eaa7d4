# METADATA
# title: OpenAI API key hygiene
# description: |-
#   The rules of modules/key-hygiene, read from the JSON of a terraform plan
#   (terraform show -json): the same rule names, settings, boundaries, finding
#   fields and detail texts, so either gate gives the same answer. The
#   end-to-end test in internal/e2e holds the two to it.
package openai.keys

# The rule names are the interface shared with modules/key-hygiene.
rule_names := {
	"expired",
	"expiring_soon",
	"idle",
	"never_used",
	"no_expiry",
	"owner_without_access",
	"too_many_admin_keys",
	"too_old",
	"user_owned",
}

_defaults := {
	"max_idle_days": 90,
	"never_used_grace_days": 7,
	"rotation_days": 365,
	"expiry_warning_days": 14,
	"max_admin_keys": null,
	"rules": rule_names,
	"enforce": set(),
	"exceptions": {},
}

# data.openai_keys and each of its fields are optional; a null field means the
# default, so the module's settings output can be passed as it is.
default _given := {}

_given := data.openai_keys if is_object(data.openai_keys)

# The settings in force, defaults filled in.
settings[name] := value if {
	some name, fallback in _defaults
	value := _or(object.get(_given, name, null), fallback)
}

_or(value, fallback) := fallback if value == null

else := value

_rules := {rule | some rule in settings.rules}

_enforce := {rule | some rule in settings.enforce}

# Time: the plan's own timestamp, the same instant as plantimestamp().
_now_ns := time.parse_rfc3339_ns(input.timestamp)

_today := substring(input.timestamp, 0, 10)

_day_ns := (24 * 3600) * 1000000000

# The instant `days` whole days before now.
_before_now(days) := _now_ns - (days * _day_ns)

_ns(rfc3339) := time.parse_rfc3339_ns(rfc3339)

_date(rfc3339) := substring(rfc3339, 0, 10)

# Settings are whole numbers: print 90, never 90.0.
_whole(n) := format_int(n, 10)

# ---------------------------------------------------------------------------
# The inventory: every key data source read during the plan, in the root module
# and in child modules at any depth (prior_state holds what data sources read).

# Preferred first when several data sources list the same key: openai_api_keys
# carries every attribute, the per-kind data sources fewer.
_source_rank := {
	"openai_api_keys": 0,
	"openai_admin_api_keys": 1,
	"openai_project_api_keys": 2,
}

# walk without the path is several times faster on a big inventory; nothing
# inside a key looks like a data source.
_data_sources contains resource if {
	walk(input.prior_state.values.root_module, [_, resource])
	resource.mode == "data"
	resource.type in object.keys(_source_rank)
	is_array(resource.values.keys)
}

# [id, rank, key] for every listing of every key, duplicates included.
_listed contains [key.id, _source_rank[resource.type], key] if {
	some resource in _data_sources
	some raw in resource.values.keys
	key := object.union(_key_fields(raw), _source_fields(resource.type, resource.values))
}

# One key object per id: the best-ranked listing, the first of its id once
# sorted (sort also makes ties deterministic). Sorting once is linear-ish where
# grouping by id would compare every pair.
_sorted := sort(_listed)

_keys := {listing[0]: listing[2] |
	some i, listing in _sorted
	_first_of_its_id(i)
}

_first_of_its_id(0)

_first_of_its_id(i) if _sorted[i - 1][0] != _sorted[i][0]

# Every field the rules read, null when the data source lacks it.
_key_fields(raw) := {
	"kind": _or(object.get(raw, "kind", null), "admin"),
	"id": raw.id,
	"name": object.get(raw, "name", null),
	"created_at_rfc3339": object.get(raw, "created_at_rfc3339", null),
	"last_used_at": object.get(raw, "last_used_at", null),
	"last_used_at_rfc3339": object.get(raw, "last_used_at_rfc3339", null),
	"expires_at": object.get(raw, "expires_at", null),
	"expires_at_rfc3339": object.get(raw, "expires_at_rfc3339", null),
	"project_id": object.get(raw, "project_id", null),
	"project_name": object.get(raw, "project_name", null),
	"owner_project_access": object.get(raw, "owner_project_access", null),
	"owner_type": object.get(_owner(raw), "type", null),
	"owner": _owner_label(_owner(raw)),
}

_owner(raw) := raw.owner if is_object(raw.owner)

else := {}

# The first of email, name and id that is neither null nor empty.
_owner_label(owner) := labels[0] if {
	labels := [label |
		some field in ["email", "name", "id"]
		label := object.get(owner, field, null)
		is_string(label)
		label != ""
	]
	count(labels) > 0
} else := null

# What the data source itself implies about its keys.
_source_fields("openai_api_keys", _) := {}

_source_fields("openai_admin_api_keys", _) := {"kind": "admin"}

# Project keys never expire, and the listing names its project only by id.
_source_fields("openai_project_api_keys", values) := {
	"kind": "project",
	"project_id": values.project_id,
	"project_name": null,
	"expires_at": null,
	"expires_at_rfc3339": null,
}

# ---------------------------------------------------------------------------
# The rules. Each adds candidate findings; `findings` keeps those of enabled
# rules that no active exception covers. "More than N days" is strict.

_finding(rule, key, detail) := {
	"rule": rule,
	"key_id": key.id,
	"kind": key.kind,
	"key_name": key.name,
	"project_id": key.project_id,
	"project_name": key.project_name,
	"owner": key.owner,
	"detail": detail,
}

_candidates contains _finding("never_used", key, detail) if {
	some key in _keys
	key.last_used_at == null
	_ns(key.created_at_rfc3339) < _before_now(settings.never_used_grace_days)
	detail := sprintf("never used; created %s, more than %s days before %s", [
		_date(key.created_at_rfc3339), _whole(settings.never_used_grace_days), _today,
	])
}

_candidates contains _finding("idle", key, detail) if {
	some key in _keys
	key.last_used_at != null
	_ns(key.last_used_at_rfc3339) < _before_now(settings.max_idle_days)
	detail := sprintf("last used %s, more than %s days before %s", [
		_date(key.last_used_at_rfc3339), _whole(settings.max_idle_days), _today,
	])
}

_candidates contains _finding("no_expiry", key, "admin key with no expiry date") if {
	some key in _keys
	key.kind == "admin"
	key.expires_at == null
}

_candidates contains _finding("expiring_soon", key, detail) if {
	some key in _keys
	key.expires_at != null
	expires := _ns(key.expires_at_rfc3339)
	_now_ns <= expires
	expires <= _now_ns + (settings.expiry_warning_days * _day_ns)
	detail := sprintf("expires %s, within %s days of %s", [
		_date(key.expires_at_rfc3339), _whole(settings.expiry_warning_days), _today,
	])
}

_candidates contains _finding("expired", key, detail) if {
	some key in _keys
	key.expires_at != null
	_ns(key.expires_at_rfc3339) < _now_ns
	detail := sprintf("expired %s, before %s", [_date(key.expires_at_rfc3339), _today])
}

_candidates contains _finding("too_old", key, detail) if {
	some key in _keys
	_ns(key.created_at_rfc3339) < _before_now(settings.rotation_days)
	detail := sprintf("created %s, more than %s days before %s", [
		_date(key.created_at_rfc3339), _whole(settings.rotation_days), _today,
	])
}

_candidates contains _finding("user_owned", key, detail) if {
	some key in _keys
	key.owner_type == "user"
	detail := sprintf("owned by user %s", [_or(key.owner, "(unknown)")])
}

_candidates contains _finding("owner_without_access", key, detail) if {
	some key in _keys
	key.kind == "project"
	key.owner_project_access == "inactive"
	detail := sprintf("owner %s no longer has access to project %s", [
		_or(key.owner, "(unknown)"), _or(key.project_name, key.project_id),
	])
}

# One finding for the organization: it belongs to no key, so no exception
# can cover it.
_candidates contains finding if {
	settings.max_admin_keys != null
	admin_keys := count([id | some id, key in _keys; key.kind == "admin"])
	admin_keys > settings.max_admin_keys
	finding := {
		"rule": "too_many_admin_keys",
		"key_id": null,
		"kind": "admin",
		"key_name": null,
		"project_id": null,
		"project_name": null,
		"owner": null,
		"detail": sprintf("%d admin keys, more than max_admin_keys = %s", [admin_keys, _whole(settings.max_admin_keys)]),
	}
}

# ---------------------------------------------------------------------------
# Exceptions: a date means through the end of that day in UTC; an RFC 3339
# time means until that instant.

_exception_end_ns(until) := time.parse_rfc3339_ns(concat("", [until, "T00:00:00Z"])) + _day_ns if {
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`, until)
} else := time.parse_rfc3339_ns(until)

_excepted(finding) if {
	exception := settings.exceptions[finding.key_id]
	finding.rule in exception.rules
	_now_ns < _exception_end_ns(exception.until)
}

# ---------------------------------------------------------------------------
# Results.

findings contains finding if {
	some finding in _candidates
	finding.rule in _rules
	not _excepted(finding)
}

summary[rule] := count([finding | some finding in findings; finding.rule == rule]) if {
	some rule in (_rules & rule_names)
}

passed := count(findings) == 0

# Lapsed exceptions, whether or not their key is still in the inventory.
expired_exceptions contains id if {
	some id, exception in settings.exceptions
	_now_ns >= _exception_end_ns(exception.until)
}

deny contains _message(finding) if {
	some finding in findings
	finding.rule in _enforce
}

warn contains _message(finding) if {
	some finding in findings
	not finding.rule in _enforce
}

# Settings the module would refuse, and input that is no plan, block too:
# otherwise a typo would silently pass every key.
deny contains message if {
	some problem in settings_errors
	message := sprintf("openai.keys settings: %s", [problem])
}

# e.g. "idle: key_abc (ci-deploy) in project Production: last used 2026-01-02, more than 90 days before 2026-11-28".
_message(finding) := sprintf("%s: %s", [finding.rule, finding.detail]) if {
	finding.key_id == null
} else := sprintf("%s: %s%s%s: %s", [
	finding.rule, finding.key_id, _name_part(finding), _project_part(finding), finding.detail,
])

_name_part(finding) := sprintf(" (%s)", [finding.key_name]) if finding.key_name != null

else := ""

_project_part(finding) := sprintf(" in project %s", [_or(finding.project_name, finding.project_id)]) if {
	finding.kind == "project"
} else := ""

# ---------------------------------------------------------------------------
# Settings validation, with messages a user can act on.

_day_settings := {"max_idle_days", "never_used_grace_days", "rotation_days", "expiry_warning_days"}

_rule_list := concat(", ", sort(rule_names))

_whole_number(n) if {
	is_number(n)
	n >= 0
	floor(n) == n
}

settings_errors contains sprintf("%s must be a whole number of days, 0 or more, not %v", [name, settings[name]]) if {
	some name in _day_settings
	not _whole_number(settings[name])
}

settings_errors contains sprintf("max_admin_keys must be null or a whole number, 0 or more, not %v", [value]) if {
	value := settings.max_admin_keys
	value != null
	not _whole_number(value)
}

settings_errors contains sprintf("%s: unknown rule %q; the rules are %s", [name, rule, _rule_list]) if {
	some name in ["rules", "enforce"]
	some rule in settings[name]
	not rule in rule_names
}

settings_errors contains sprintf("exceptions[%q].rules: unknown rule %q; the rules are %s", [id, rule, _rule_list]) if {
	some id, exception in settings.exceptions
	some rule in object.get(exception, "rules", [])
	not rule in rule_names
}

settings_errors contains sprintf("exceptions[%q].until must be a date (YYYY-MM-DD) or an RFC 3339 time, not %q", [id, until]) if {
	some id, exception in settings.exceptions
	until := object.get(exception, "until", null)
	not _exception_end_ns(until)
}

settings_errors contains "the input has no RFC 3339 timestamp: give the policy the JSON of a plan (terraform show -json PLAN)" if {
	not _now_ns
}
