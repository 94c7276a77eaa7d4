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
