// Package e2e holds end-to-end tests that run the real terraform and OPA
// binaries: the two implementations of the key hygiene rules,
// modules/key-hygiene and policy/openai_keys.rego, must give one answer.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// findingFields are the fields of a finding, in the spec's order: both
// implementations must produce exactly these.
var findingFields = []string{"rule", "key_id", "kind", "key_name", "project_id", "project_name", "owner", "detail"}

// repoRoot is the repository, two levels above this package.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// opaPath is the OPA binary make test exports; without it the test skips.
func opaPath(t *testing.T) string {
	t.Helper()
	opa := os.Getenv("OPA_PATH")
	if opa == "" {
		t.Skip("OPA_PATH is not set: run `make test`, or set OPA_PATH=$(scripts/opa-path)")
	}
	return opa
}

// planOutput returns the value of a root module output in a plan's JSON:
// planned_values.outputs, else output_changes (which also holds outputs that
// only changed), as raw JSON.
func planOutput(plan []byte, name string) (json.RawMessage, error) {
	var p struct {
		PlannedValues struct {
			Outputs map[string]struct {
				Value json.RawMessage `json:"value"`
			} `json:"outputs"`
		} `json:"planned_values"`
		OutputChanges map[string]struct {
			After        json.RawMessage `json:"after"`
			AfterUnknown json.RawMessage `json:"after_unknown"`
		} `json:"output_changes"`
	}
	if err := json.Unmarshal(plan, &p); err != nil {
		return nil, fmt.Errorf("decode the plan's JSON: %w", err)
	}
	if o, ok := p.PlannedValues.Outputs[name]; ok && len(o.Value) > 0 {
		return o.Value, nil
	}
	if c, ok := p.OutputChanges[name]; ok {
		if string(c.AfterUnknown) == "true" {
			return nil, fmt.Errorf("output %q is unknown until apply: its findings must be known at plan time", name)
		}
		if len(c.After) > 0 {
			return c.After, nil
		}
	}
	return nil, fmt.Errorf("the plan has no output %q", name)
}

// policyFindings evaluates data.openai.keys.findings on a plan's JSON with
// the given settings (the module's, as {"openai_keys": settings}).
func policyFindings(t *testing.T, ctx context.Context, opa, policyDir string, plan []byte, settings json.RawMessage) json.RawMessage {
	t.Helper()
	file := filepath.Join(t.TempDir(), "settings.json")
	if err := os.WriteFile(file, marshal(t, map[string]json.RawMessage{"openai_keys": settings}), 0o600); err != nil {
		t.Fatal(err)
	}
	var findings json.RawMessage
	evalQuery(t, ctx, opa, []string{"-d", policyDir, "-d", file}, plan, "data.openai.keys.findings", &findings)
	return findings
}

// canonicalFindings decodes a list (or set) of findings into one canonical
// JSON line per finding, sorted, failing on a missing or extra field.
func canonicalFindings(raw json.RawMessage) ([]string, error) {
	var list []map[string]any
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("findings are not a list of objects: %w", err)
	}
	lines := make([]string, 0, len(list))
	for _, f := range list {
		for _, name := range findingFields {
			if _, ok := f[name]; !ok {
				return nil, fmt.Errorf("a finding lacks the field %q: %v", name, f)
			}
		}
		if len(f) != len(findingFields) {
			return nil, fmt.Errorf("a finding has fields beyond %v: %v", findingFields, f)
		}
		// The spec's field order makes the diff read like the spec.
		var b strings.Builder
		b.WriteString("{")
		for i, name := range findingFields {
			v, err := json.Marshal(f[name])
			if err != nil {
				return nil, err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q: %s", name, v)
		}
		b.WriteString("}")
		lines = append(lines, b.String())
	}
	slices.Sort(lines)
	return lines, nil
}

// compareFindings returns "" when the module's and the policy's findings are
// equal as sets, else a readable diff.
func compareFindings(module, policy []string) string {
	var onlyModule, onlyPolicy []string
	for _, f := range module {
		if !slices.Contains(policy, f) {
			onlyModule = append(onlyModule, f)
		}
	}
	for _, f := range policy {
		if !slices.Contains(module, f) {
			onlyPolicy = append(onlyPolicy, f)
		}
	}
	if len(onlyModule) == 0 && len(onlyPolicy) == 0 && len(module) == len(policy) {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "modules/key-hygiene has %d findings, policy/openai_keys.rego %d.\n", len(module), len(policy))
	for _, f := range onlyModule {
		fmt.Fprintf(&b, "- only in the module: %s\n", f)
	}
	for _, f := range onlyPolicy {
		fmt.Fprintf(&b, "+ only in the policy: %s\n", f)
	}
	if len(onlyModule) == 0 && len(onlyPolicy) == 0 {
		b.WriteString("(the same findings, one of them listed twice)\n")
	}
	return b.String()
}

// rulesOf returns the distinct rule names of canonical findings.
func rulesOf(t *testing.T, findings []string) []string {
	t.Helper()
	var rules []string
	for _, line := range findings {
		var f struct {
			Rule string `json:"rule"`
		}
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(rules, f.Rule) {
			rules = append(rules, f.Rule)
		}
	}
	slices.Sort(rules)
	return rules
}

// assertSameFindings runs the policy on a plan's JSON with the module's
// settings and compares its findings with the module's findings output. It
// returns the findings' canonical lines.
func assertSameFindings(t *testing.T, ctx context.Context, opa string, plan []byte) []string {
	t.Helper()
	moduleRaw, err := planOutput(plan, "findings")
	if err != nil {
		t.Fatal(err)
	}
	settings, err := planOutput(plan, "hygiene_settings")
	if err != nil {
		t.Fatal(err)
	}
	policyRaw := policyFindings(t, ctx, opa, filepath.Join(repoRoot(t), "policy"), plan, settings)
	module, err := canonicalFindings(moduleRaw)
	if err != nil {
		t.Fatalf("the module's findings output: %v", err)
	}
	policy, err := canonicalFindings(policyRaw)
	if err != nil {
		t.Fatalf("the policy's findings: %v", err)
	}
	if diff := compareFindings(module, policy); diff != "" {
		var compact bytes.Buffer
		if err := json.Compact(&compact, settings); err != nil {
			compact.Write(settings)
		}
		t.Fatalf("the module and the policy disagree on the same plan (settings %s):\n%s", compact.String(), diff)
	}
	return module
}
