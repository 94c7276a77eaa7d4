package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// TestDemo runs make demo's script as a user would, into a log: it passes,
// names each key of the sample organization once, by kind, though the fake's
// admin key listing holds the project keys too; it prints plain text, the
// warnings and the summary in at most 300 lines, not the outputs' full
// findings; and it leaves nothing behind.
func TestDemo(t *testing.T) {
	terraform := terraformPath(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	tmp := t.TempDir()
	out := run(t, ctx, repoRoot(t), []string{"TF_ACC_TERRAFORM_PATH=" + terraform, "TMPDIR=" + tmp},
		filepath.Join(repoRoot(t), "scripts", "demo"))

	admin, _, projectKeys := openaitest.SampleOrganization()
	project := 0
	for _, keys := range projectKeys {
		project += len(keys)
	}
	want := fmt.Sprintf("== the inventory: each key of the organization once, by kind\n  admin = %d\n  project = %d\n", len(admin), project)
	if !strings.Contains(string(out), want) {
		t.Fatalf("the demo's output lacks\n%s\nit printed:\n%s", want, out)
	}
	text := string(out)
	if n := strings.Count(text, "\n"); n > 300 {
		t.Errorf("the demo printed %d lines, want at most 300", n)
	}
	if strings.Contains(text, "\x1b[") {
		t.Error("the demo printed colour codes into a log")
	}
	for _, want := range []string{"Key hygiene rule idle has 3 finding(s):", "== the key-hygiene module's summary", "  user_owned = 7", "make policy"} {
		if !strings.Contains(text, want) {
			t.Errorf("the demo's output lacks %q", want)
		}
	}
	// The outputs repeat the warnings in full: they stay in the plan.
	if strings.Contains(text, "Changes to Outputs") {
		t.Error("the demo printed the plan's outputs")
	}
	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) > 0 {
		t.Fatalf("the demo left %d files in TMPDIR, the first %s", len(left), left[0].Name())
	}
}
