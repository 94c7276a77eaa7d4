package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/keycensus/terraform-provider-openai/internal/hygiene"
)

// TestRulesAreNamedOnce holds every place that names the key-hygiene rules
// to the engine's list, hygiene.Rules, without Terraform or OPA: the module's
// all_rules, its check blocks and the variables' defaults and validations,
// the policy's rule_names and SARIF descriptions, the compliance guide's
// table and sections, and the number of rules the docs give in words.
// ARCHITECTURE.md's "Adding a rule" lists the same places.
func TestRulesAreNamedOnce(t *testing.T) {
	root := repoRoot(t)
	rules := hygiene.Rules
	read := func(rel string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}

	// The module: all_rules, a check block per rule reading its own count,
	// and the exceptions' two check blocks.
	mainSrc := read("modules/key-hygiene/main.tf")
	main := parseHCL(t, filepath.Join(root, "modules", "key-hygiene", "main.tf"))
	var checks []string
	var allRules []string
	for _, block := range main.Blocks {
		switch block.Type {
		case "check":
			name := block.Labels[0]
			checks = append(checks, name)
			if slices.Contains(rules, name) {
				src := string(block.Body.Range().SliceBytes([]byte(mainSrc)))
				if !strings.Contains(src, `local.count_of["`+name+`"]`) || !strings.Contains(src, `local.check_messages["`+name+`"]`) {
					t.Errorf("modules/key-hygiene: check %q does not read its own rule's count and message", name)
				}
			}
		case "locals":
			if attr, ok := block.Body.Attributes["all_rules"]; ok {
				allRules = stringList(t, attr.Expr)
			}
		}
	}
	if !slices.Equal(allRules, rules) {
		t.Errorf("modules/key-hygiene: local.all_rules is %v, want the engine's %v", allRules, rules)
	}
	wantChecks := append(slices.Clone(rules), "expired_exceptions", "unmatched_exceptions")
	slices.Sort(wantChecks)
	slices.Sort(checks)
	if !slices.Equal(checks, wantChecks) {
		t.Errorf("modules/key-hygiene: check blocks %v, want one per rule and the two for exceptions: %v", checks, wantChecks)
	}

	// The variables: the rules input's default, and every list of rule names
	// and every "the rules are ..." in the validations.
	variables := read("modules/key-hygiene/variables.tf")
	vars := parseHCL(t, filepath.Join(root, "modules", "key-hygiene", "variables.tf"))
	for _, block := range vars.Blocks {
		if block.Type == "variable" && block.Labels[0] == "rules" {
			if got := stringList(t, block.Body.Attributes["default"].Expr); !slices.Equal(got, rules) {
				t.Errorf("modules/key-hygiene: var.rules defaults to %v, want every rule: %v", got, rules)
			}
		}
	}
	ruleLists := regexp.MustCompile(`contains\(\[("[a-z_]+"(?:, "[a-z_]+")+)\]`).FindAllStringSubmatch(variables, -1)
	if len(ruleLists) < 3 {
		t.Errorf("modules/key-hygiene/variables.tf: %d lists of rule names in validations, want those of rules, enforce and exceptions", len(ruleLists))
	}
	for _, m := range ruleLists {
		if got := strings.Split(strings.ReplaceAll(m[1], `"`, ""), ", "); len(got) > 2 && !slices.Equal(got, rules) {
			t.Errorf("modules/key-hygiene/variables.tf: a validation's rule names %v, want %v", got, rules)
		}
	}
	theRulesAre := "the rules are " + strings.Join(rules, ", ")
	for _, m := range regexp.MustCompile(`the rules are [a-z_]+(?:, [a-z_]+)+`).FindAllString(variables, -1) {
		if m != theRulesAre {
			t.Errorf("modules/key-hygiene/variables.tf says %q, want %q", m, theRulesAre)
		}
	}

	// The policy: rule_names and the SARIF descriptions.
	policy := read("policy/openai_keys.rego")
	if got := regoKeys(t, policy, "rule_names := {", `"([a-z_]+)",`); !slices.Equal(got, rules) {
		t.Errorf("policy/openai_keys.rego: rule_names %v, want %v", got, rules)
	}
	if got := regoKeys(t, read("policy/openai_keys_report.rego"), "rule_descriptions := {", `"([a-z_]+)": \[`); !slices.Equal(got, rules) {
		t.Errorf("policy/openai_keys_report.rego: rule_descriptions %v, want %v", got, rules)
	}

	// The compliance guide: a row of the rules table and a section per rule.
	guide := read("templates/guides/compliance.md.tmpl")
	for _, rule := range rules {
		if !strings.Contains(guide, "| `"+rule+"` |") || !strings.Contains(guide, "\n### "+rule+"\n") {
			t.Errorf("templates/guides/compliance.md.tmpl lacks the table row or the section of %s", rule)
		}
	}

	// Every count of rules in words.
	words := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
		"twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"}
	count := regexp.MustCompile(`(?i)\b(` + strings.Join(words, "|") + `)(?: key)?(?: hygiene)? rules\b|\ball (` + strings.Join(words, "|") + `)(?: by default| \|)`)
	for _, doc := range []string{"README.md", "CHANGELOG.md", "ARCHITECTURE.md", "modules/key-hygiene/README.md",
		"templates/guides/compliance.md.tmpl", "templates/guides/policy-as-code.md.tmpl", "templates/index.md.tmpl"} {
		for _, m := range count.FindAllStringSubmatch(read(doc), -1) {
			n := strings.ToLower(m[1] + m[2])
			if n != words[len(rules)] {
				t.Errorf("%s says %q: there are %s rules", doc, m[0], words[len(rules)])
			}
		}
	}
}

// parseHCL parses a Terraform file's top level.
func parseHCL(t *testing.T, file string) *hclsyntax.Body {
	t.Helper()
	f, diags := hclparse.NewParser().ParseHCLFile(file)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		t.Fatalf("%s is not native HCL", file)
	}
	return body
}

// stringList evaluates a literal list of strings.
func stringList(t *testing.T, expr hcl.Expression) []string {
	t.Helper()
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.Type() != cty.String {
			t.Fatalf("a rule name is a %s", e.Type().FriendlyName())
		}
		out = append(out, e.AsString())
	}
	return out
}

// regoKeys are the names a Rego object or set literal starting at opening
// lists, in order: the first group of item on each of its lines.
func regoKeys(t *testing.T, src, opening, item string) []string {
	t.Helper()
	start := strings.Index(src, opening)
	if start < 0 {
		t.Fatalf("no %q", opening)
	}
	end := strings.Index(src[start:], "\n}")
	var out []string
	for _, m := range regexp.MustCompile(`(?m)^\t`+item).FindAllStringSubmatch(src[start:start+end], -1) {
		out = append(out, m[1])
	}
	return out
}
