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
	"sync"
	"testing"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/hygiene/corpus"
)

// moduleRunner is the corpus's runner name for modules/key-hygiene.
const moduleRunner = "module"

// TestCorpusThroughTheModule runs every case of the corpus through
// modules/key-hygiene with the real terraform, as users run it: the keys as
// its keys input, the settings as its inputs, now pinned. The cases with
// findings are module instances of one plan; each case with errors is a plan
// of its own, which must fail with every problem the case expects.
func TestCorpusThroughTheModule(t *testing.T) {
	terraform := terraformPath(t)
	cases, err := corpus.Load()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	root := repoRoot(t)
	work := t.TempDir()
	env := devProviderEnv(t, ctx, root, work)
	module := filepath.Join(root, "modules", "key-hygiene")

	var found, refused []corpus.Case
	for _, c := range cases {
		switch {
		case c.NotFor[moduleRunner] != "":
			t.Logf("not for the module: %s: %s", c.Name, c.NotFor[moduleRunner])
		case c.Errors != nil:
			refused = append(refused, c)
		default:
			found = append(found, c)
		}
	}

	t.Run("findings", func(t *testing.T) {
		dir := filepath.Join(work, "findings")
		config := moduleConfig{Module: map[string]any{}, Output: map[string]any{}}
		for i, c := range found {
			if c.Settings["enforce"] != nil {
				t.Fatalf("%s: a case with findings cannot enforce: the module would block the plan", c.Name)
			}
			name := fmt.Sprintf("case_%03d", i)
			config.Module[name] = moduleCall(module, c)
			config.Output[name] = map[string]any{"value": map[string]any{
				"findings":             "${module." + name + ".findings}",
				"summary":              "${module." + name + ".summary}",
				"expired_exceptions":   "${module." + name + ".expired_exceptions}",
				"unmatched_exceptions": "${module." + name + ".unmatched_exceptions}",
			}}
		}
		writeJSON(t, filepath.Join(dir, "main.tf.json"), config)
		tf := newTerraformCLI(t, dir, terraform, env)
		tf.get(t, ctx)
		// The cases' check blocks fail, as they should: warnings, not errors.
		plan := tf.planJSON(t, ctx)
		for i, c := range found {
			t.Run(c.Name, func(t *testing.T) {
				raw, err := planOutput(plan, fmt.Sprintf("case_%03d", i))
				if err != nil {
					t.Fatal(err)
				}
				var got struct {
					Findings            []map[string]any `json:"findings"`
					Summary             map[string]int   `json:"summary"`
					ExpiredExceptions   []string         `json:"expired_exceptions"`
					UnmatchedExceptions []string         `json:"unmatched_exceptions"`
				}
				if err := json.Unmarshal(raw, &got); err != nil {
					t.Fatal(err)
				}
				if got.Findings == nil {
					got.Findings = []map[string]any{}
				}
				for _, d := range c.DiffFindings(got.Findings, false) {
					t.Error(d)
				}
				for _, d := range c.DiffResult(got.Summary, got.ExpiredExceptions, got.UnmatchedExceptions) {
					t.Error(d)
				}
			})
		}
	})

	t.Run("errors", func(t *testing.T) {
		// Two plans at a time: one per core.
		sem := make(chan struct{}, 2)
		var wg sync.WaitGroup
		results := make([][]string, len(refused))
		for i, c := range refused {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				results[i] = refusedPlan(ctx, terraform, env, filepath.Join(work, fmt.Sprintf("error_%03d", i)), module, c)
			}()
		}
		wg.Wait()
		for i, c := range refused {
			t.Run(c.Name, func(t *testing.T) {
				for _, problem := range results[i] {
					t.Error(problem)
				}
			})
		}
	})
}

// moduleConfig is a root module in Terraform's JSON syntax.
type moduleConfig struct {
	Module map[string]any `json:"module"`
	Output map[string]any `json:"output"`
}

// moduleCall is the module block of a case: its keys, its now, its
// settings as the module's inputs of the same names, and the users of its
// openai_users sources as the users input.
func moduleCall(source string, c corpus.Case) map[string]any {
	call := map[string]any{"source": source, "keys": literal(c.Keys()), "now": literal(c.Now)}
	if users := c.Users(); users != nil {
		call["users"] = literal(users)
	}
	for name, v := range c.Settings {
		call[name] = literal(v)
	}
	return call
}

// literal escapes the template sequences of Terraform's JSON syntax in
// every string of v, so that the values reach the module as written.
func literal(v any) any {
	switch x := v.(type) {
	case string:
		return strings.NewReplacer("${", "$${", "%{", "%%{").Replace(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = literal(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = literal(e)
		}
		return out
	}
	return v
}

// refusedPlan plans a case that the module must refuse, and returns what is
// wrong: nothing when the plan failed with each of the case's problems.
func refusedPlan(ctx context.Context, terraform string, env []string, dir, module string, c corpus.Case) []string {
	config := moduleConfig{Module: map[string]any{"case": moduleCall(module, c)}, Output: map[string]any{
		"findings": map[string]any{"value": "${module.case.findings}"},
	}}
	b, err := json.MarshalIndent(config, "", "  ")
	if err == nil {
		err = os.MkdirAll(dir, 0o755)
	}
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "main.tf.json"), b, 0o600)
	}
	if err != nil {
		return []string{err.Error()}
	}
	tf, err := terraformExec(dir, terraform, env)
	if err != nil {
		return []string{err.Error()}
	}
	if err := tf.tf.Get(ctx); err != nil {
		return []string{fmt.Sprintf("terraform get: %v", err)}
	}
	out, err := tf.planMachineReadable(ctx)
	if err == nil {
		return []string{"the plan succeeded; want it refused with " + strings.Join(c.Errors, "; ")}
	}
	var details []string
	for _, line := range bytes.Split(out, []byte("\n")) {
		var msg struct {
			Type       string `json:"type"`
			Diagnostic struct {
				Severity, Summary, Detail string
			} `json:"diagnostic"`
		}
		if json.Unmarshal(line, &msg) == nil && msg.Type == "diagnostic" && msg.Diagnostic.Severity == "error" {
			details = append(details, msg.Diagnostic.Summary+": "+msg.Diagnostic.Detail)
		}
	}
	var problems []string
	for _, want := range c.Errors {
		if !slices.ContainsFunc(details, func(d string) bool { return strings.Contains(d, want) }) {
			problems = append(problems, fmt.Sprintf("no error says %q; the errors:\n%s", want, strings.Join(details, "\n")))
		}
	}
	return problems
}

func writeJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
