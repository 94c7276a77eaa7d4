package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// spaceliftHook is the after_plan hook the Spacelift guide gives: the
// plan's JSON as the custom input openai, which the policy sees as
// input.third_party_metadata.custom.openai.
const spaceliftHook = "terraform show -json spacelift.plan > openai.custom.spacelift.json"

// results are what a gate decides on: the findings, and the messages that
// deny and warn.
type results struct {
	Findings []json.RawMessage `json:"findings"`
	Deny     []string          `json:"deny"`
	Warn     []string          `json:"warn"`
}

// TestPolicyOnEveryPlatform plans examples/ci/terraform with the real
// terraform against the sample organization, builds from that plan the input
// each platform hands a policy, and evaluates each platform's entry point as
// the platform does: the same findings, deny and warn as on the raw plan.
// The settings come from the plan's hygiene_settings output, as they do on
// Spacelift, which has no data documents.
func TestPolicyOnEveryPlatform(t *testing.T) {
	opa := opaPath(t)
	terraform := terraformPath(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	root := repoRoot(t)
	ex := planExample(t, ctx, terraform, "ci/terraform")
	policy := filepath.Join(root, "policy", "openai_keys.rego")
	platforms := filepath.Join(root, "policy", "platforms")

	raw := evaluate(t, ctx, opa, []string{"-d", policy}, ex.plan, "data.openai.keys")
	if len(raw.Findings) == 0 || len(raw.Deny) == 0 || len(raw.Warn) == 0 {
		t.Fatalf("on the raw plan: %d findings, %d deny, %d warn; the sample organization breaks enforced and other rules",
			len(raw.Findings), len(raw.Deny), len(raw.Warn))
	}
	var plan map[string]any
	if err := json.Unmarshal(ex.plan, &plan); err != nil {
		t.Fatal(err)
	}

	t.Run("hcp-terraform", func(t *testing.T) {
		// A policy set as the guide lays it out: policies.hcl beside the
		// policy, evaluated as a bundle.
		set := t.TempDir()
		copyFile(t, filepath.Join(platforms, "hcp-terraform", "policies.hcl"), filepath.Join(set, "policies.hcl"))
		copyFile(t, policy, filepath.Join(set, "openai_keys.rego"))
		input := marshal(t, map[string]any{"plan": plan, "run": map[string]any{"id": "run-abc", "is_destroy": false}})
		queries := hclPolicies(t, filepath.Join(set, "policies.hcl"))
		want := map[string][]string{"mandatory": raw.Deny, "advisory": raw.Warn}
		if len(queries) != len(want) {
			t.Fatalf("policies.hcl has %d policies, want one mandatory and one advisory: %v", len(queries), queries)
		}
		for _, q := range queries {
			var got []string
			evalQuery(t, ctx, opa, []string{"-b", set}, input, q.query, &got)
			if !sameSet(got, want[q.level]) {
				t.Errorf("policy %s (%s, %s): %d messages, want the raw plan's %d", q.name, q.query, q.level, len(got), len(want[q.level]))
			}
		}
		assertSameResults(t, raw, evaluate(t, ctx, opa, []string{"-b", set}, input, "data.openai.keys"))

		// Settings in the policy set: HCP Terraform evaluates it as a
		// bundle, which reads data only from files named data.json, here
		// openai_keys/data.json for data.openai_keys.
		if err := os.Mkdir(filepath.Join(set, "openai_keys"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(set, "openai_keys", "data.json"), []byte(`{"enforce": ["user_owned"]}`), 0o600); err != nil {
			t.Fatal(err)
		}
		var enforce []string
		evalQuery(t, ctx, opa, []string{"-b", set}, input, "data.openai.keys.settings.enforce", &enforce)
		if !slices.Equal(enforce, []string{"user_owned"}) {
			t.Errorf("with openai_keys/data.json in the policy set, enforce = %q, want [user_owned]", enforce)
		}
		// It replaces the plan's settings whole: user_owned alone denies.
		var deny []string
		evalQuery(t, ctx, opa, []string{"-b", set}, input, q0(queries, "mandatory"), &deny)
		owned := 0
		for _, f := range raw.Findings {
			var finding struct{ Rule string }
			if err := json.Unmarshal(f, &finding); err != nil {
				t.Fatal(err)
			}
			if finding.Rule == "user_owned" {
				owned++
			}
		}
		if owned == 0 || len(deny) != owned {
			t.Errorf("with openai_keys/data.json enforcing user_owned, the mandatory policy has %d messages, want one per user_owned finding: %d", len(deny), owned)
		}
	})

	t.Run("env0", func(t *testing.T) {
		input := marshal(t, map[string]any{"plan": plan, "deploymentRequest": map[string]any{"type": "deploy"}})
		args := []string{"-d", policy, "-d", filepath.Join(platforms, "env0")}
		var deny []string
		evalQuery(t, ctx, opa, args, input, "data.env0.deny", &deny)
		if !sameSet(deny, raw.Deny) {
			t.Errorf("data.env0.deny: %d messages, want the raw plan's %d", len(deny), len(raw.Deny))
		}
		assertSameResults(t, raw, evaluate(t, ctx, opa, args, input, "data.openai.keys"))
	})

	t.Run("scalr", func(t *testing.T) {
		// The policy group's one policy names its file.
		dir := filepath.Join(platforms, "scalr")
		policies := hclPolicies(t, filepath.Join(dir, "scalr-policy.hcl"))
		if len(policies) != 1 || policies[0].level != "hard-mandatory" {
			t.Fatalf("scalr-policy.hcl: want one hard-mandatory policy, got %v", policies)
		}
		file := filepath.Join(dir, policies[0].name+".rego")
		input := marshal(t, map[string]any{"tfplan": plan, "tfrun": map[string]any{"workspace": map[string]any{"name": "openai-keys"}}})
		assertSameResults(t, raw, evaluate(t, ctx, opa, []string{"-d", file}, input, "data.terraform"))
	})

	t.Run("spacelift", func(t *testing.T) {
		// The hook, run as Spacelift runs it after the plan, in the project
		// root where the plan is spacelift.plan.
		if err := os.Rename(filepath.Join(ex.dir, "plan.tfplan"), filepath.Join(ex.dir, "spacelift.plan")); err != nil {
			t.Fatal(err)
		}
		hook := exec.CommandContext(ctx, "sh", "-c", spaceliftHook)
		hook.Dir = ex.dir
		hook.Env = append(append(os.Environ(), ex.env...), "PATH="+filepath.Dir(terraform)+string(os.PathListSeparator)+os.Getenv("PATH"))
		if out, err := hook.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", spaceliftHook, err, out)
		}
		custom, err := os.ReadFile(filepath.Join(ex.dir, "openai.custom.spacelift.json"))
		if err != nil {
			t.Fatal(err)
		}
		// A plan policy's input: the changes, Spacelift's metadata, and the
		// custom inputs.
		input := marshal(t, map[string]any{
			"spacelift":            map[string]any{"run": map[string]any{"type": "TRACKED"}},
			"terraform":            map[string]any{"resource_changes": []any{}},
			"third_party_metadata": map[string]any{"custom": map[string]any{"openai": json.RawMessage(custom)}},
		})
		assertSameResults(t, raw, evaluate(t, ctx, opa, []string{"-d", filepath.Join(platforms, "spacelift", "openai_keys.rego")}, input, "data.spacelift"))

		guide, err := os.ReadFile(filepath.Join(root, "templates", "guides", "spacelift.md.tmpl"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(guide, []byte(spaceliftHook)) {
			t.Errorf("the Spacelift guide does not give the hook this test runs: %s", spaceliftHook)
		}
	})
}

// q0 is the query of the first policy at an enforcement level.
func q0(policies []hclPolicy, level string) string {
	for _, p := range policies {
		if p.level == level {
			return p.query
		}
	}
	return "undefined"
}

// evaluate evaluates findings, deny and warn of the package at ref.
func evaluate(t *testing.T, ctx context.Context, opa string, args []string, input []byte, ref string) results {
	t.Helper()
	var r results
	evalQuery(t, ctx, opa, args, input, fmt.Sprintf(`{"findings": %[1]s.findings, "deny": %[1]s.deny, "warn": %[1]s.warn}`, ref), &r)
	return r
}

// evalQuery runs opa eval of query on input, with args loading the policy,
// and decodes its one value into v.
func evalQuery(t *testing.T, ctx context.Context, opa string, args []string, input []byte, query string, v any) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "input.json")
	if err := os.WriteFile(file, input, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, opa, append(append([]string{"eval", "-f", "json"}, args...), "-i", file, query)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("opa eval %s: %v\n%s", query, err, stderr.String())
	}
	var result struct {
		Result []struct {
			Expressions []struct {
				Value json.RawMessage `json:"value"`
			} `json:"expressions"`
		} `json:"result"`
	}
	if err := json.Unmarshal(out, &result); err != nil {
		t.Fatalf("decode opa eval: %v\n%s", err, out)
	}
	if len(result.Result) != 1 || len(result.Result[0].Expressions) != 1 {
		t.Fatalf("%s is undefined: opa eval printed %s", query, out)
	}
	if err := json.Unmarshal(result.Result[0].Expressions[0].Value, v); err != nil {
		t.Fatalf("decode %s: %v", query, err)
	}
}

func assertSameResults(t *testing.T, want, got results) {
	t.Helper()
	canonical := func(fs []json.RawMessage) []string {
		lines, err := canonicalFindings(marshal(t, fs))
		if err != nil {
			t.Fatal(err)
		}
		return lines
	}
	if diff := compareFindings(canonical(want.Findings), canonical(got.Findings)); diff != "" {
		t.Errorf("findings differ from the raw plan's:\n%s", diff)
	}
	if !sameSet(got.Deny, want.Deny) {
		t.Errorf("deny: %q\nwant the raw plan's: %q", got.Deny, want.Deny)
	}
	if !sameSet(got.Warn, want.Warn) {
		t.Errorf("warn: %d messages, want the raw plan's %d", len(got.Warn), len(want.Warn))
	}
}

// hclPolicy is one policy block of an HCP Terraform policies.hcl.
type hclPolicy struct{ name, query, level string }

// hclPolicies reads the policy blocks of an HCP Terraform policies.hcl or a
// Scalr policy group's file with hcl/v2: each one's query and enforcement
// level, which HCP Terraform defaults to advisory.
func hclPolicies(t *testing.T, file string) []hclPolicy {
	t.Helper()
	attr := func(body *hclsyntax.Body, name string) string {
		a, ok := body.Attributes[name]
		if !ok {
			return ""
		}
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() || v.Type() != cty.String {
			t.Fatalf("%s: %s is not a string: %s", file, name, diags.Error())
		}
		return v.AsString()
	}
	var out []hclPolicy
	for _, block := range parseHCL(t, file).Blocks {
		if block.Type != "policy" || len(block.Labels) != 1 {
			continue
		}
		p := hclPolicy{name: block.Labels[0], query: attr(block.Body, "query"), level: attr(block.Body, "enforcement_level")}
		if p.level == "" {
			p.level = "advisory"
		}
		out = append(out, p)
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func marshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
