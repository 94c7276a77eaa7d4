package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/keycensus/terraform-provider-openai/internal/hygiene"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// conftestPath is the Conftest binary make test exports; without it the
// test skips.
func conftestPath(t *testing.T) string {
	t.Helper()
	conftest := os.Getenv("CONFTEST_PATH")
	if conftest == "" {
		t.Skip("CONFTEST_PATH is not set: run `make test`, or set CONFTEST_PATH=$(scripts/conftest-path)")
	}
	return conftest
}

// TestKeyHygieneGate runs examples/ci/key-hygiene-gate, the CI job's gate,
// as the GitHub and GitLab examples run it: on examples/ci/terraform, whose
// policy settings enforce rules the sample organization breaks; on the
// demo's examples/compliance, which enforces only a rule it passes; and on
// the demo with a settings file (Conftest's --data) enforcing user_owned.
// Each time Conftest's SARIF 2.1.0 has an error result per denied message and
// a warning per other message, each at the configuration's first line; its
// JUnit a failed test case per message; the summary a row per rule; and the
// gate fails the job exactly when something is denied.
func TestKeyHygieneGate(t *testing.T) {
	opa := opaPath(t)
	conftest := conftestPath(t)
	terraform := terraformPath(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	root := repoRoot(t)

	for _, tc := range []struct {
		name, example string
		// settings, when set, is a data document for Conftest's --data:
		// SETTINGS_FILE.
		settings string
		denies   int    // the denied messages, as the CI guide counts them
		row      string // a summary row the gate must write
	}{
		{"ci", "ci/terraform", "", 3, "| `owner_without_access` | 3 | **deny** |"},
		{"demo", "compliance", "", 0, "| `too_many_admin_keys` | 0 | pass |"},
		{"demo enforcing user_owned", "compliance", `{"openai_keys": {"enforce": ["user_owned"]}}`, 7, "| `user_owned` | 7 | **deny** |"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ex := planExample(t, ctx, terraform, tc.example)
			policyArgs := []string{"-d", filepath.Join(root, "policy", "openai_keys.rego")}
			var settingsEnv []string
			if tc.settings != "" {
				file := filepath.Join(t.TempDir(), "openai_keys.json")
				if err := os.WriteFile(file, []byte(tc.settings), 0o600); err != nil {
					t.Fatal(err)
				}
				policyArgs = append(policyArgs, "-d", file)
				settingsEnv = []string{"SETTINGS_FILE=" + file}
			}
			want := evaluate(t, ctx, opa, policyArgs, ex.plan, "data.openai.keys")
			if len(want.Deny) != tc.denies || len(want.Warn) == 0 {
				t.Fatalf("%s: %d deny and %d warn messages on the plan, want %d and some",
					tc.example, len(want.Deny), len(want.Warn), tc.denies)
			}

			reports := filepath.Join(t.TempDir(), "reports")
			summary := filepath.Join(t.TempDir(), "step-summary.md")
			// As CI runs it: from the repository's root, on the
			// configuration's directory.
			checkout, dir := filepath.Dir(filepath.Dir(ex.dir)), filepath.Join(filepath.Base(filepath.Dir(ex.dir)), filepath.Base(ex.dir))
			at := sarifLocation{uri: dir + "/main.tf", line: lineOf(t, filepath.Join(ex.dir, "main.tf"), `data "openai_api_keys" "all"`)}
			code, log := runGateIn(t, ctx, checkout, dir, append(append(ex.env, settingsEnv...),
				"TERRAFORM="+terraform, "CONFTEST="+conftest, "OPA="+opa, "POLICY_DIR="+filepath.Join(root, "policy"),
				"REPORTS_DIR="+reports, "SARIF_URI=unused.tf", "GITHUB_STEP_SUMMARY="+summary, "CONSOLE_OUTPUT=github"))
			if want := min(tc.denies, 1); code != want {
				t.Fatalf("the gate exited %d, want %d\n%s", code, want, log)
			}
			// The github output annotates the run with every message.
			if n := strings.Count(log, "::error file=plan.json"); n != len(want.Deny) {
				t.Errorf("%d error annotations, want %d", n, len(want.Deny))
			}
			if n := strings.Count(log, "::warning file=plan.json"); n != len(want.Warn) {
				t.Errorf("%d warning annotations, want %d", n, len(want.Warn))
			}

			checkSARIF(t, filepath.Join(reports, "openai-keys.sarif"), at, want)
			checkJUnit(t, filepath.Join(reports, "openai-keys.junit.xml"), want)

			var conftestJSON []struct {
				Failures []struct{ Msg string } `json:"failures"`
				Warnings []struct{ Msg string } `json:"warnings"`
			}
			readJSON(t, filepath.Join(reports, "openai-keys.json"), &conftestJSON)
			if len(conftestJSON) != 1 || len(conftestJSON[0].Failures) != len(want.Deny) || len(conftestJSON[0].Warnings) != len(want.Warn) {
				t.Errorf("Conftest's JSON: %+v, want one file with %d failures and %d warnings", conftestJSON, len(want.Deny), len(want.Warn))
			}

			md, err := os.ReadFile(filepath.Join(reports, "summary.md"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(md, []byte(tc.row)) {
				t.Errorf("summary.md lacks the row %q:\n%s", tc.row, md)
			}
			if step, err := os.ReadFile(summary); err != nil || !bytes.Equal(step, md) {
				t.Errorf("GITHUB_STEP_SUMMARY holds %q (%v), want summary.md", step, err)
			}
		})
	}
}

// TestKeyHygieneGateThatCannotRunFails: a gate that checked no key, or whose
// Conftest failed for another reason than a denial, exits 2, never 0 or the
// 1 of a denial.
func TestKeyHygieneGateThatCannotRunFails(t *testing.T) {
	opa := opaPath(t)
	conftest := conftestPath(t)
	terraform := terraformPath(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	root := repoRoot(t)
	work := t.TempDir()
	env := append(sampleOrganizationEnv(t, ctx, work), "OPENAI_ADMIN_KEY="+openaitest.DefaultAdminKey,
		"TERRAFORM="+terraform, "CONFTEST="+conftest, "OPA="+opa, "POLICY_DIR="+filepath.Join(root, "policy"),
		"REPORTS_DIR="+filepath.Join(work, "reports"))

	// A configuration that reads projects, and no key.
	noKeys := filepath.Join(work, "no-keys")
	if err := os.MkdirAll(noKeys, 0o755); err != nil {
		t.Fatal(err)
	}
	config := "terraform {\n  required_providers {\n    openai = { source = \"keycensus/openai\" }\n  }\n}\n\n" +
		"data \"openai_projects\" \"all\" {}\n\noutput \"projects\" { value = length(data.openai_projects.all.ids) }\n"
	if err := os.WriteFile(filepath.Join(noKeys, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(work, "broken.json")
	if err := os.WriteFile(broken, []byte(`{"openai_keys": `), 0o600); err != nil {
		t.Fatal(err)
	}
	demo := planExample(t, ctx, terraform, "compliance")

	for _, tc := range []struct {
		name, dir string
		env       []string
		says      string
	}{
		{"no key data source", noKeys, env, "the policy checked no key"},
		{"a settings file that is no JSON", demo.dir, append(append(env, demo.env...), "SETTINGS_FILE="+broken), "Conftest could not evaluate the policy"},
		{"no configuration", "", env, "usage: key-hygiene-gate DIR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var args []string
			if tc.dir != "" {
				args = []string{tc.dir}
			}
			code, log := runGate(t, ctx, "", tc.env, args...)
			if code != 2 || !strings.Contains(log, tc.says) {
				t.Fatalf("the gate exited %d, want 2 saying %q:\n%s", code, tc.says, log)
			}
		})
	}
}

// runGate runs examples/ci/key-hygiene-gate on dir (none when empty, or the
// args given) with the environment plus env, and returns its exit code and
// output.
func runGate(t *testing.T, ctx context.Context, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	return runGateIn(t, ctx, "", dir, env, args...)
}

// runGateIn is runGate in the working directory cwd.
func runGateIn(t *testing.T, ctx context.Context, cwd, dir string, env []string, args ...string) (int, string) {
	t.Helper()
	if dir != "" {
		args = append([]string{dir}, args...)
	}
	gate := exec.CommandContext(ctx, filepath.Join(repoRoot(t), "examples", "ci", "key-hygiene-gate"), args...)
	gate.Dir = cwd
	gate.Env = append(os.Environ(), env...)
	var log bytes.Buffer
	gate.Stdout, gate.Stderr = &log, &log
	var exit *exec.ExitError
	if err := gate.Run(); errors.As(err, &exit) {
		return exit.ExitCode(), log.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, log.String()
}

// findingMessages are the messages of findings among msgs: not the policy's
// own ("openai.keys ...") nor an exception's.
func findingMessages(msgs []string) []string {
	var out []string
	for _, m := range msgs {
		if !strings.HasPrefix(m, "openai.keys") && !strings.HasPrefix(m, "exception for ") {
			out = append(out, m)
		}
	}
	return out
}

// checkSARIF holds a SARIF report to the SARIF 2.1.0 schema and to the
// policy's messages: a rule per hygiene rule, with descriptions and a help
// link to its section of the guide; an error result per denied finding and a
// warning per other finding, with their texts, the rule as ruleId, a
// fingerprint distinct for each finding, and the location of the data block
// that read the keys, at.
func checkSARIF(t *testing.T, file string, at sarifLocation, want results) {
	t.Helper()
	validateSARIF(t, file)
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID               string `json:"id"`
						ShortDescription struct{ Text string }
						FullDescription  struct{ Text string }
						HelpURI          string `json:"helpUri"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID  string `json:"ruleId"`
				Level   string `json:"level"`
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
				Locations           []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	readJSON(t, file, &sarif)
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 {
		t.Fatalf("SARIF version %q with %d runs, want 2.1.0 with one", sarif.Version, len(sarif.Runs))
	}
	run := sarif.Runs[0]
	var ruleIDs []string
	for _, r := range run.Tool.Driver.Rules {
		ruleIDs = append(ruleIDs, r.ID)
		if r.ShortDescription.Text == "" || r.FullDescription.Text == "" || !strings.HasSuffix(r.HelpURI, "/docs/guides/compliance#"+r.ID) {
			t.Errorf("the SARIF rule %s: %+v, want descriptions and a help link to its section of the compliance guide", r.ID, r)
		}
	}
	if want := strings.Join(hygiene.Rules, " "); strings.Join(ruleIDs, " ") != want {
		t.Errorf("SARIF rules %v, want one per hygiene rule: %s", ruleIDs, want)
	}
	byLevel := map[string][]string{}
	fingerprints := map[string]string{}
	for _, r := range run.Results {
		byLevel[r.Level] = append(byLevel[r.Level], r.Message.Text)
		if !strings.HasPrefix(r.Message.Text, r.RuleID+": ") {
			t.Errorf("result %q has the ruleId %q", r.Message.Text, r.RuleID)
		}
		fp := r.PartialFingerprints["openaiKeyHygiene/v1"]
		if other, dup := fingerprints[fp]; fp == "" || dup {
			t.Errorf("result %q has the fingerprint %q, like %q", r.Message.Text, fp, other)
		}
		fingerprints[fp] = r.Message.Text
		if len(r.Locations) != 1 || r.Locations[0].PhysicalLocation.ArtifactLocation.URI != at.uri || r.Locations[0].PhysicalLocation.Region.StartLine != at.line {
			t.Errorf("result %q is located at %+v, want line %d of %s", r.Message.Text, r.Locations, at.line, at.uri)
		}
	}
	if !sameSet(byLevel["error"], findingMessages(want.Deny)) {
		t.Errorf("SARIF errors: %d, want one per denied finding: %d", len(byLevel["error"]), len(findingMessages(want.Deny)))
	}
	if !sameSet(byLevel["warning"], findingMessages(want.Warn)) {
		t.Errorf("SARIF warnings: %d, want one per other finding: %d", len(byLevel["warning"]), len(findingMessages(want.Warn)))
	}
}

// datePattern finds a date in a test case's name, which would make it a new
// test every day.
var datePattern = regexp.MustCompile(`[0-9]{4}-[0-9]{2}-[0-9]{2}`)

// sarifLocation is where code scanning shows an alert.
type sarifLocation struct {
	uri  string
	line int
}

// validateSARIF holds a report to the SARIF 2.1.0 JSON schema, as the SARIF
// SDK ships it (testdata/sarif-2.1.0.json).
func validateSARIF(t *testing.T, file string) {
	t.Helper()
	open := func(name string) any {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = f.Close() }()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return doc
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("sarif-2.1.0.json", open(filepath.Join("testdata", "sarif-2.1.0.json"))); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("sarif-2.1.0.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(open(file)); err != nil {
		t.Errorf("the SARIF report breaks the SARIF 2.1.0 schema: %v", err)
	}
}

// checkJUnit holds a JUnit report to the policy's messages: a failed case per
// denied message, a skipped case per warning, each finding's case named by
// its rule and key alone.
func checkJUnit(t *testing.T, file string, want results) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
				Skipped *struct {
					Message string `xml:"message,attr"`
				} `xml:"skipped"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &suites); err != nil {
		t.Fatalf("the JUnit report: %v\n%s", err, b)
	}
	var failed, skipped []string
	names := map[string]bool{}
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			switch {
			case c.Failure != nil:
				failed = append(failed, c.Failure.Message)
			case c.Skipped != nil:
				skipped = append(skipped, strings.TrimPrefix(c.Skipped.Message, "warning, not enforced: "))
			}
			if c.Name != "policy" {
				if names[c.Name] || datePattern.MatchString(c.Name) {
					t.Errorf("the test case %q is named twice, or with a date", c.Name)
				}
				names[c.Name] = true
			}
		}
	}
	if !sameSet(failed, want.Deny) {
		t.Errorf("%d failed test cases in the JUnit report, want one per denied message: %d", len(failed), len(want.Deny))
	}
	if !sameSet(skipped, want.Warn) {
		t.Errorf("%d skipped test cases in the JUnit report, want one per warning: %d\n%q\n%q", len(skipped), len(want.Warn), skipped, want.Warn)
	}
}

// lineOf is the number of the first line of file that starts with prefix.
func lineOf(t *testing.T, file, prefix string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, prefix) {
			return i + 1
		}
	}
	t.Fatalf("%s has no line starting %q", file, prefix)
	return 0
}

func readJSON(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v\n%.500s", filepath.Base(file), err, b)
	}
}

// TestSARIFRuleHelpIsTheGuides: each SARIF rule's help link is a section of
// the compliance guide that says what the rule's full description says, and
// every hygiene rule has both.
func TestSARIFRuleHelpIsTheGuides(t *testing.T) {
	opa := opaPath(t)
	var descriptions map[string][2]string
	evalQuery(t, t.Context(), opa, []string{"-d", filepath.Join(repoRoot(t), "policy")}, []byte("{}"),
		"data.openai.keys.report.rule_descriptions", &descriptions)
	guide, err := os.ReadFile(filepath.Join(repoRoot(t), "docs", "guides", "compliance.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, rule := range hygiene.Rules {
		d, ok := descriptions[rule]
		if !ok {
			t.Errorf("the SARIF report has no description of %s", rule)
			continue
		}
		if section := "### " + rule + "\n\n" + d[1] + "\n"; !bytes.Contains(guide, []byte(section)) {
			t.Errorf("docs/guides/compliance.md lacks the section the SARIF help of %s links to:\n%s", rule, section)
		}
	}
	if len(descriptions) != len(hygiene.Rules) {
		t.Errorf("%d SARIF rule descriptions for %d rules", len(descriptions), len(hygiene.Rules))
	}
}
