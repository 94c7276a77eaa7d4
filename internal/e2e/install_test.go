package e2e

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// TestInstallAsTheREADMESays follows the README's "Installing before a
// registry release" on a clean directory: make install into GOBIN, the CLI
// configuration as the README writes it, and examples/ci/terraform copied out
// of the repository with the module beside it, as the CI guide says; then
// terraform get and terraform plan, never init.
func TestInstallAsTheREADMESays(t *testing.T) {
	terraform := terraformPath(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	root := repoRoot(t)
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := readmeSection(t, string(readme), "### Installing before a registry release")
	blocks := fencedBlocks(section)
	if len(blocks["sh"]) != 2 || len(blocks["hcl"]) != 1 {
		t.Fatalf("the install section has %d sh and %d hcl blocks, want 2 and 1", len(blocks["sh"]), len(blocks["hcl"]))
	}
	if !strings.HasPrefix(blocks["sh"][0], "make install") || !strings.Contains(blocks["sh"][1], "terraform get") ||
		strings.Contains(section, "\nterraform init") {
		t.Fatalf("the install steps are not make install, then get and plan without init:\n%s", section)
	}

	work := t.TempDir()
	bin := filepath.Join(work, "gobin")
	run(t, ctx, root, []string{"GOBIN=" + bin}, "make", "install")
	if _, err := os.Stat(filepath.Join(bin, "terraform-provider-openai")); err != nil {
		t.Fatalf("make install wrote no provider into GOBIN: %v", err)
	}
	const placeholder = "/home/you/go/bin"
	if !strings.Contains(blocks["hcl"][0], placeholder) {
		t.Fatalf("the README's CLI configuration does not name %s:\n%s", placeholder, blocks["hcl"][0])
	}
	rc := filepath.Join(work, "terraformrc-openai")
	if err := os.WriteFile(rc, []byte(strings.ReplaceAll(blocks["hcl"][0], placeholder, bin)), 0o600); err != nil {
		t.Fatal(err)
	}

	// The CI example, copied out, with the module copied beside it.
	dir := filepath.Join(work, "infra", "openai-keys")
	copyTree(t, filepath.Join(root, "examples", "ci", "terraform"), dir)
	copyTree(t, filepath.Join(root, "modules", "key-hygiene"), filepath.Join(dir, "modules", "key-hygiene"))
	main := filepath.Join(dir, "main.tf")
	b, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	moved := regexp.MustCompile(`(?m)^(\s*source\s*=\s*)"\.\./\.\./\.\./modules/key-hygiene"`).ReplaceAll(b, []byte(`$1"./modules/key-hygiene"`))
	if bytes.Equal(moved, b) {
		t.Fatal("examples/ci/terraform no longer calls ../../../modules/key-hygiene: update this test and the CI guide")
	}
	if err := os.WriteFile(main, moved, 0o600); err != nil {
		t.Fatal(err)
	}

	srv := openaitest.NewServer(openaitest.Options{AdminListingHoldsProjectKeys: true})
	t.Cleanup(srv.Close)
	srv.LoadSampleOrganization()
	env := []string{"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE=" + rc,
		"OPENAI_ADMIN_BASE_URL=" + srv.URL(), "OPENAI_ADMIN_KEY=" + openaitest.DefaultAdminKey}
	tf := newTerraformCLI(t, dir, terraform, env)
	tf.get(t, ctx)
	out := tf.plan(t, ctx)
	if !bytes.Contains(out, []byte("summary")) {
		t.Fatalf("the plan shows no summary output:\n%s", out)
	}
}

// readmeSection is the text of the section under heading, up to the next
// heading of the same or a higher level.
func readmeSection(t *testing.T, doc, heading string) string {
	t.Helper()
	start := strings.Index(doc, "\n"+heading+"\n")
	if start < 0 {
		t.Fatalf("README.md has no section %q", heading)
	}
	rest := doc[start+len(heading)+2:]
	level := strings.Repeat("#", strings.Index(heading, " "))
	for i := 0; i < len(rest); {
		j := strings.Index(rest[i:], "\n#")
		if j < 0 {
			break
		}
		line := rest[i+j+1:]
		if hashes := len(line) - len(strings.TrimLeft(line, "#")); hashes <= len(level) && !strings.HasPrefix(line, "#!") {
			return rest[:i+j]
		}
		i += j + 1
	}
	return rest
}

// fencedBlocks are the fenced code blocks of text by language, in order.
func fencedBlocks(text string) map[string][]string {
	blocks := map[string][]string{}
	for _, m := range regexp.MustCompile("(?s)```([a-z]*)\n(.*?)```").FindAllStringSubmatch(text, -1) {
		blocks[m[1]] = append(blocks[m[1]], m[2])
	}
	return blocks
}
