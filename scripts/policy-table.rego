# METADATA
# description: |-
#   Prints the findings of openai.keys as a table, for `make policy`
#   (opa eval -f raw 'data.openai.keys.table.text'). Presentation only: the
#   policy itself is policy/openai_keys.rego.
package openai.keys.table

import data.openai.keys

_header := ["verdict", "rule", "key id", "key name", "project", "owner", "detail"]

_verdict(rule) := "deny" if rule in {rule | some rule in keys.settings.enforce}

else := "warn"

_cell(value) := "-" if value == null

else := value

_project(finding) := finding.project_id if finding.project_name == null

else := finding.project_name

# Sorted by rule, then key id, as the module sorts its findings list.
_rows := [row |
	some sorted in sort([[finding.rule, _cell(finding.key_id), finding] | some finding in keys.findings])
	finding := sorted[2]
	row := [
		_verdict(finding.rule),
		finding.rule,
		_cell(finding.key_id),
		_cell(finding.key_name),
		_cell(_project(finding)),
		_cell(finding.owner),
		finding.detail,
	]
]

_widths := [max([count(row[column]) | some row in array.concat([_header], _rows)]) | some column in numbers.range(0, 6)]

# Every column padded but the last, so no line ends in spaces.
_line(row) := concat("  ", [_pad(column, cell) | some column, cell in row])

_pad(6, cell) := cell

_pad(column, cell) := sprintf("%-*s", [_widths[column], cell]) if column < 6

_totals := sprintf("%d findings: %d deny, %d warn; passed = %v; expired exceptions: %s", [
	count(keys.findings), count(keys.deny), count(keys.warn), keys.passed,
	_or_none(concat(", ", sort(keys.expired_exceptions))),
])

_or_none("") := "none"

_or_none(text) := text if text != ""

_table := array.concat([_line(_header)], [_line(row) | some row in _rows]) if count(_rows) > 0

else := ["no findings"]

_errors := [sprintf("settings error: %s", [problem]) | some problem in keys.settings_errors]

text := concat("\n", array.concat(array.concat(_errors, _table), [_totals]))
