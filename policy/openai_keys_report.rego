# METADATA
# description: |-
#   The result of openai.keys in the forms CI dashboards take, for the CI gate
#   (examples/ci/key-hygiene-gate): a Markdown summary for a job's summary
#   page, SARIF 2.1.0 for code scanning, and JUnit for test reports.
#   Presentation only: the findings, verdicts and messages are openai.keys'.
#   data.openai_keys_report may give where each key data source is in the
#   configuration: {"locations": {ADDRESS: {"uri": FILE, "line": N}}, "uri": FILE},
#   the last for a data source it does not place (line 1).
package openai.keys.report

import data.openai.keys

_enforced := {rule | some rule in keys.settings.enforce}

_verdict(rule, n) := "pass" if n == 0

else := "**deny**" if rule in _enforced

else := "warn"

_rows := [sprintf("| `%s` | %d | %s |", [rule, n, _verdict(rule, n)]) |
	some rule in sort(object.keys(keys.summary))
	n := keys.summary[rule]
]

# Messages that are not findings: settings or keys the policy refused, an
# input it could not read, or default settings.
_problems := sort([concat("", ["- ", m]) | some m in (keys.deny | keys.warn); startswith(m, "openai.keys")])

# Exceptions that accept nothing: lapsed, or naming no key.
_exceptions := sort([concat("", ["- ", m]) | some m in keys.warn; startswith(m, "exception for ")])

_exceptions_section := [] if count(_exceptions) == 0

else := array.concat(["", "Exceptions that accept nothing:", ""], _exceptions)

markdown := concat("\n", array.concat(
	array.concat(
		[
			"### OpenAI key hygiene",
			"",
			sprintf("%d findings: %d messages deny, %d warn.", [count(keys.findings), count(keys.deny), count(keys.warn)]),
			"",
			"| rule | findings | verdict |",
			"| --- | ---: | --- |",
		],
		array.concat(_rows, array.concat([""], _problems)),
	),
	_exceptions_section,
))

# ---------------------------------------------------------------------------
# The findings, each once, by rule and key id, with its message as deny and
# warn word it.

_findings := [f | some entry in sort([[f.rule, _or_empty(f.key_id), f] | some f in keys.findings]); f := entry[2]]

_or_empty(null) := ""

_or_empty(s) := s if s != null

_message(f) := concat("", [f.rule, ": ", keys.message_prefix[f.key_id], f.detail]) if f.key_id != null

else := concat("", [f.rule, ": ", f.detail])

# A finding's subject: its key, or the organization.
_subject(f) := f.key_id if f.key_id != null

else := "organization"

# ---------------------------------------------------------------------------
# SARIF 2.1.0, for code scanning: a rule per hygiene rule, a result per
# finding at the configuration line of the data source that read its key,
# with a fingerprint of its rule and key, so that one key's alert can be
# tracked and dismissed across runs.

_help_base := "https://registry.terraform.io/providers/keycensus/openai/latest/docs/guides/compliance#"

# What each rule finds, in the words of the compliance guide's table.
rule_descriptions := {
	"archived_project_key": ["A key of an archived project", "A project key of an archived project: it still works, though nobody should need it. Listed only with include_archived_projects = true."],
	"expired": ["An expired key", "A key whose expiry date has passed."],
	"expiring_soon": ["A key that expires soon", "A key that expires from now to expiry_warning_days (14) days from now, both included."],
	"idle": ["An idle key", "A key last used more than max_idle_days (90) days ago."],
	"never_used": ["A key never used", "A key never used, and created more than never_used_grace_days (7) days ago."],
	"no_expiry": ["An admin key with no expiry date", "An admin key with no expiry date: it works until someone revokes it."],
	"owner_without_access": ["A key whose owner lost access", "A project key whose owner no longer has access to the project; given the users, also a user-owned admin key whose owner is not a user of the organization."],
	"service_account_owner": ["A key of a service account with the owner role", "A project key owned by a service account with the project's owner role."],
	"too_many_admin_keys": ["Too many admin keys", "More admin keys than max_admin_keys: one finding for the organization."],
	"too_many_keys_per_owner": ["An owner with too many keys", "Every key of an owner holding more than max_keys_per_owner keys in one project, or more than that many admin keys."],
	"too_many_org_owners": ["Too many organization owners", "More users with the owner role than max_org_owners: one finding for the organization, naming them."],
	"too_old": ["A key older than the rotation period", "A key created more than rotation_days (365) days ago, used or not."],
	"user_owned": ["A key owned by a person", "A key owned by a user rather than a service account."],
}

_rule_ids := sort(keys.rule_names)

_rule_index := {rule: i | some i, rule in _rule_ids}

_level(rule) := "error" if rule in _enforced

else := "warning"

default _locations := {}

_locations := data.openai_keys_report.locations if is_object(data.openai_keys_report.locations)

default _default_uri := "main.tf"

_default_uri := data.openai_keys_report.uri if is_string(data.openai_keys_report.uri)

_source(f) := keys.key_sources[f.key_id] if f.key_id != null

else := keys.first_source

_location(f) := location if {
	location := _locations[_source(f)]
} else := {"uri": _default_uri, "line": 1}

_sarif_result(f) := {
	"ruleId": f.rule,
	"ruleIndex": _rule_index[f.rule],
	"level": _level(f.rule),
	"message": {"text": _message(f)},
	"locations": [{"physicalLocation": {
		"artifactLocation": {"uri": _location(f).uri},
		"region": {"startLine": _location(f).line},
	}}],
	"partialFingerprints": {"openaiKeyHygiene/v1": crypto.sha256(concat("/", [f.rule, _subject(f)]))},
	"properties": {
		"key_id": f.key_id, "kind": f.kind, "key_name": f.key_name, "project_id": f.project_id,
		"project_name": f.project_name, "owner": f.owner,
	},
}

sarif := {
	"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
	"version": "2.1.0",
	"runs": [{
		"tool": {"driver": {
			"name": "openai-key-hygiene",
			"informationUri": "https://github.com/keycensus/terraform-provider-openai",
			"rules": [{
				"id": rule,
				"name": rule,
				"shortDescription": {"text": rule_descriptions[rule][0]},
				"fullDescription": {"text": rule_descriptions[rule][1]},
				"helpUri": concat("", [_help_base, rule]),
				"help": {"text": concat("", [rule_descriptions[rule][1], " See ", _help_base, rule, "."])},
				"defaultConfiguration": {"level": _level(rule)},
			} |
				some rule in _rule_ids
			],
		}},
		"results": [_sarif_result(f) | some f in _findings],
	}],
}

# ---------------------------------------------------------------------------
# JUnit, for test reports: a case per finding, named by its rule and key, so
# that the same finding is the same test from day to day (dates are in the
# messages). An enforced finding fails; any other is skipped, as a warning
# that passes the gate; a rule without findings passes. Settings or keys the
# policy refused, and an input it could not read, fail.

_xml(s) := replace(replace(replace(replace(replace(s, "&", "&amp;"), "<", "&lt;"), ">", "&gt;"), "\"", "&quot;"), "'", "&apos;")

_case(class, name, body) := sprintf(`    <testcase classname="%s" name="%s">%s</testcase>`, [_xml(class), _xml(name), body])

_finding_cases := [_case(concat(".", ["openai.keys", f.rule]), concat(" ", [f.rule, _subject(f)]), body) |
	some f in _findings
	body := _finding_body(f)
]

_finding_body(f) := sprintf(`<failure type="enforced" message="%s"></failure>`, [_xml(_message(f))]) if f.rule in _enforced

else := sprintf(`<skipped message="%s"></skipped>`, [_xml(concat("", ["warning, not enforced: ", _message(f)]))])

_passed_cases := [_case(concat(".", ["openai.keys", rule]), rule, "") |
	some rule in sort(object.keys(keys.summary))
	keys.summary[rule] == 0
]

_exception_cases := array.concat(
	[_case("openai.keys.exceptions", concat(" ", ["exception", id, "lapsed"]), _skipped_exception(id)) | some id in sort(keys.expired_exceptions)],
	[_case("openai.keys.exceptions", concat(" ", ["exception", id, "unmatched"]), _skipped_unmatched(id)) | some id in sort(keys.unmatched_exceptions)],
)

_skipped_exception(id) := sprintf(`<skipped message="%s"></skipped>`, [_xml(m)]) if {
	some m in keys.warn
	startswith(m, concat("", ["exception for ", id, ": lapsed"]))
}

_skipped_unmatched(id) := sprintf(`<skipped message="%s"></skipped>`, [_xml(m)]) if {
	some m in keys.warn
	startswith(m, concat("", ["exception for ", id, ": no key"]))
}

# The policy's own messages: what it refused fails, a warning is skipped.
_problem_cases := array.concat(
	[_case("openai.keys", "policy", sprintf(`<failure type="refused" message="%s"></failure>`, [_xml(m)])) |
		some m in sort([m | some m in keys.deny; startswith(m, "openai.keys")])
	],
	[_case("openai.keys", "policy", sprintf(`<skipped message="%s"></skipped>`, [_xml(m)])) |
		some m in sort([m | some m in keys.warn; startswith(m, "openai.keys")])
	],
)

_cases := array.concat(array.concat(array.concat(_problem_cases, _finding_cases), _passed_cases), _exception_cases)

_failed := count([c | some c in _cases; contains(c, "<failure ")])

_skipped := count([c | some c in _cases; contains(c, "<skipped ")])

junit := concat("\n", array.concat(
	[
		`<?xml version="1.0" encoding="UTF-8"?>`,
		sprintf(`<testsuites name="OpenAI key hygiene" tests="%d" failures="%d" errors="0" skipped="%d">`, [count(_cases), _failed, _skipped]),
		sprintf(`  <testsuite name="openai.keys" tests="%d" failures="%d" errors="0" skipped="%d">`, [count(_cases), _failed, _skipped]),
	],
	array.concat(_cases, ["  </testsuite>", "</testsuites>", ""]),
))
