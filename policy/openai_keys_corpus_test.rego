# METADATA
# description: |-
#   The case corpus of internal/hygiene/testdata/cases, run through the
#   policy: each case's sources become the data sources of a plan's JSON, its
#   settings the policy's data document, with its now. Load the cases as data:
#   opa test policy/ internal/hygiene/testdata/cases/ (make test-policy does).
package openai.keys_corpus_test

import data.openai.keys

# The plan a case stands for: one data source per source, in its order.
_input(c) := {
	"timestamp": c.now,
	"prior_state": {"values": {"root_module": {"resources": [resource |
		some i, source in c.sources
		name := sprintf("source_%03d", [i])
		resource := {
			"address": concat(".", ["data", source.type, name]),
			"mode": "data",
			"type": source.type,
			"name": name,
			"values": _source_values(source),
		}
	]}}},
}

_source_values(source) := {"keys": source.keys, "project_id": source.project_id} if source.type == "openai_project_api_keys"

else := {"users": source.users} if source.type == "openai_users"

else := {"keys": source.keys}

# The case's settings, with its now, as the module's settings output would
# carry them.
_settings(c) := object.union(object.get(c, "settings", {}), {"now": c.now})

_result(c) := result if {
	result := {
		"findings": keys.findings,
		"errors": (keys.settings_errors | keys.inventory_errors),
		"summary": keys.summary,
		"expired_exceptions": keys.expired_exceptions,
		"unmatched_exceptions": keys.unmatched_exceptions,
	} with input as _input(c)
		with data.openai_keys as _settings(c)
}

# What is wrong with the policy's answer to a case: nothing when it passes.
_case_problems(c) := {sprintf("errors %v, want %v", [sort(got), sort(want)]) |
	got := _result(c).errors
	want := {e | some e in c.errors}
	got != want
} if {
	c.errors
} else := _findings_problems(c, _result(c))

_findings_problems(c, result) := ((((_error_problems(result) | _count_problems(c, result)) | _field_problems(c, result)) | _summary_problems(c, result)) | _expired_problems(c, result)) | _unmatched_problems(c, result)

_error_problems(result) := {sprintf("unexpected errors %v", [sort(result.errors)]) | count(result.errors) > 0}

_count_problems(c, result) := {sprintf("%d findings, want %d: got %v", [count(result.findings), count(c.findings), _sorted(result.findings)]) |
	count(result.findings) != count(c.findings)
}

# The findings in the order of rule, then key id, on both sides, compared
# field by field for the fields the case names.
_field_problems(c, result) := {sprintf("finding %d (%s %v): %s = %v, want %v", [i + 1, want.rule, want.key_id, name, got[i][name], value]) |
	count(result.findings) == count(c.findings)
	got := _sorted(result.findings)
	some i, want in _sorted(c.findings)
	some name, value in want
	got[i][name] != value
}

_sorted(findings) := [f | some entry in sort([[f.rule, _or_empty(f.key_id), f] | some f in findings]); f := entry[2]]

_or_empty(null) := ""

_or_empty(s) := s if s != null

_summary_problems(c, result) := {sprintf("summary %v, want %v", [result.summary, c.summary]) |
	c.summary
	result.summary != c.summary
}

_expired_problems(c, result) := {sprintf("expired_exceptions %v, want %v", [sort(result.expired_exceptions), c.expired_exceptions]) |
	is_array(c.expired_exceptions)
	sort(result.expired_exceptions) != c.expired_exceptions
}

_unmatched_problems(c, result) := {sprintf("unmatched_exceptions %v, want %v", [sort(result.unmatched_exceptions), c.unmatched_exceptions]) |
	is_array(c.unmatched_exceptions)
	sort(result.unmatched_exceptions) != c.unmatched_exceptions
}

_failures contains sprintf("%s: %s", [name, problem]) if {
	some name, c in data.hygiene_cases
	object.get(object.get(c, "not_for", {}), "policy", null) == null
	some problem in _case_problems(c)
}

test_every_case_of_the_corpus if {
	# The corpus was loaded: a mistyped path would pass every case.
	count(data.hygiene_cases) > 50
	every failure in _failures {
		print(failure)
	}
	count(_failures) == 0
}
