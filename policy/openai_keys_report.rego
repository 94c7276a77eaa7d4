# METADATA
# description: |-
#   The result of openai.keys as a Markdown summary, for a CI job's summary
#   page (examples/ci writes it to GITHUB_STEP_SUMMARY): the findings of each
#   enabled rule, and whether they deny or warn. Presentation only.
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

# Messages that are not findings: settings or keys the policy refused, and an
# input it could not read.
_problems := sort([concat("", ["- ", m]) | some m in (keys.deny | keys.warn); startswith(m, "openai.keys")])

markdown := concat("\n", array.concat(
	[
		"### OpenAI key hygiene",
		"",
		sprintf("%d findings: %d messages deny, %d warn.", [count(keys.findings), count(keys.deny), count(keys.warn)]),
		"",
		"| rule | findings | verdict |",
		"| --- | ---: | --- |",
	],
	array.concat(_rows, array.concat([""], _problems)),
))
