package openai.keys.report_test

import data.openai.keys.report

_plan := {
	"format_version": "1.2",
	"timestamp": "2026-11-28T12:00:00Z",
	"prior_state": {"values": {"root_module": {"resources": [{
		"address": "data.openai_api_keys.all", "mode": "data", "type": "openai_api_keys", "name": "all",
		"values": {"keys": [{"id": "key_a", "kind": "admin", "created_at_rfc3339": "2026-01-01T00:00:00Z", "owner": {"type": "user", "id": "user_1"}}]},
	}]}}},
}

test_a_row_per_enabled_rule_with_its_verdict if {
	report.markdown == concat("\n", [
		"### OpenAI key hygiene",
		"",
		"2 findings: 1 messages deny, 1 warn.",
		"",
		"| rule | findings | verdict |",
		"| --- | ---: | --- |",
		"| `expired` | 0 | pass |",
		"| `no_expiry` | 1 | **deny** |",
		"| `user_owned` | 1 | warn |",
		"",
	]) with input as _plan with data.openai_keys as {"rules": ["expired", "no_expiry", "user_owned"], "enforce": ["no_expiry"]}
}

test_problems_are_listed_under_the_table if {
	lines := split(report.markdown, "\n") with input as {"unknown": true}
	lines[count(lines) - 1] == "- openai.keys: the input is not a plan's JSON (terraform show -json), nor one under plan (HCP Terraform, env0), tfplan (Scalr) or third_party_metadata.custom.openai (a Spacelift custom input): no key was checked"
}

_cases_of(junit) := [name |
	some line in split(junit, "\n")
	contains(line, "<testcase ")
	name := regex.find_all_string_submatch_n(` name="([^"]*)"`, line, 1)[0][1]
]

# A run a day later names the same test cases: dates are in the messages.
test_junit_case_names_are_the_same_a_day_later if {
	settings := {"rules": ["never_used", "no_expiry", "user_owned"], "enforce": ["no_expiry"]}
	today := report.junit with input as _plan with data.openai_keys as object.union(settings, {"now": "2026-11-28T12:00:00Z"})
	tomorrow := report.junit with input as _plan with data.openai_keys as object.union(settings, {"now": "2026-11-29T12:00:00Z"})
	today != tomorrow
	_cases_of(today) == _cases_of(tomorrow)
	_cases_of(today) == ["never_used key_a", "no_expiry key_a", "user_owned key_a"]
	contains(today, `<failure type="enforced" message="no_expiry: key_a: admin key with no expiry date">`)
	contains(today, `<skipped message="warning, not enforced: user_owned: key_a: owned by user user_1">`)
	contains(today, `tests="3" failures="1" errors="0" skipped="2"`)
}

test_junit_without_enforcement_fails_nothing if {
	junit := report.junit with input as _plan with data.openai_keys as {}
	not contains(junit, "<failure ")
	contains(junit, `<testcase classname="openai.keys.expired" name="expired"></testcase>`)
}

test_junit_escapes_xml if {
	plan := json.patch(_plan, [{"op": "add", "path": "/prior_state/values/root_module/resources/0/values/keys/0/name", "value": `<a & "b">`}])
	junit := report.junit with input as plan with data.openai_keys as {"rules": ["no_expiry"]}
	contains(junit, `message="warning, not enforced: no_expiry: key_a (&lt;a &amp; &quot;b&quot;&gt;): admin key with no expiry date"`)
}

# One key's alert is the same alert on every run, and another key's another.
test_sarif_fingerprints_are_stable_and_distinct if {
	two := json.patch(_plan, [{"op": "add", "path": "/prior_state/values/root_module/resources/0/values/keys/-", "value": {"id": "key_b", "kind": "admin", "created_at_rfc3339": "2026-01-01T00:00:00Z", "owner": {"type": "user", "id": "user_1"}}}])
	today := report.sarif.runs[0].results with input as two with data.openai_keys as {"rules": ["no_expiry"], "now": "2026-11-28T12:00:00Z"}
	tomorrow := report.sarif.runs[0].results with input as two with data.openai_keys as {"rules": ["no_expiry"], "now": "2026-11-29T12:00:00Z"}
	prints := [r.partialFingerprints["openaiKeyHygiene/v1"] | some r in today]
	count(prints) == 2
	prints[0] != prints[1]
	prints == [r.partialFingerprints["openaiKeyHygiene/v1"] | some r in tomorrow]
}

test_sarif_locates_each_result_at_its_data_source if {
	locations := {"openai_keys_report": {"uri": "fallback.tf", "locations": {"data.openai_api_keys.all": {"uri": "infra/keys/main.tf", "line": 7}}}}
	results := report.sarif.runs[0].results with input as _plan with data.openai_keys as {"rules": ["no_expiry"], "enforce": ["no_expiry"]} with data.openai_keys_report as locations.openai_keys_report
	results[0].locations == [{"physicalLocation": {"artifactLocation": {"uri": "infra/keys/main.tf"}, "region": {"startLine": 7}}}]
	results[0].level == "error"
	results[0].ruleId == "no_expiry"
	unplaced := report.sarif.runs[0].results with input as _plan with data.openai_keys as {"rules": ["no_expiry"]}
	unplaced[0].locations[0].physicalLocation.artifactLocation.uri == "main.tf"
	unplaced[0].level == "warning"
}

test_exceptions_that_accept_nothing_are_listed if {
	settings := {"rules": ["expired"], "exceptions": {"key_typo": {"rules": ["idle"], "reason": "A typo.", "until": "2027-01-31"}}}
	lines := split(report.markdown, "\n") with input as _plan with data.openai_keys as settings
	lines[count(lines) - 1] == "- exception for key_typo: no key of the inventory has this id (a typo, or a revoked key). Correct the id, or remove the exception"
}
