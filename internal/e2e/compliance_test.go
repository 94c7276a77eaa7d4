package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// TestComplianceModuleAndPolicyAgree plans examples/compliance with the real
// terraform against the fake Admin API's sample organization, then runs
// policy/openai_keys.rego on `terraform show -json` of that plan with the
// module's own settings: its findings must equal the findings output of
// modules/key-hygiene, field for field. It does so on both things the admin
// key listing has been known to hold, admin keys alone and every project key
// too: the findings must be the same on both, and no project key may be
// found as an admin key.
func TestComplianceModuleAndPolicyAgree(t *testing.T) {
	opa := opaPath(t)
	terraform := terraformPath(t)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	if _, err := os.Stat(filepath.Join(repoRoot(t), "modules", "key-hygiene")); err != nil {
		t.Fatalf("modules/key-hygiene, the implementation the policy is compared with, is missing: %v", err)
	}
	adminKeys, _, _ := openaitest.SampleOrganization()
	isAdminKey := map[string]bool{}
	for _, k := range adminKeys {
		isAdminKey[k.ID] = true
	}

	var first []string
	for _, listing := range []struct {
		name string
		opts openaitest.Options
	}{
		{"with project keys", openaitest.Options{AdminListingHoldsProjectKeys: true}},
		{"admin keys only", openaitest.Options{}},
	} {
		plan := planExampleOn(t, ctx, terraform, "compliance", listing.opts).plan
		findings := assertSameFindings(t, ctx, opa, plan)
		if len(findings) == 0 {
			t.Fatal("no findings: the sample organization has stale keys, so the example found nothing it should have")
		}
		// The sample organization breaks every rule the example does not
		// except or cap out of reach: the comparison covers each.
		want := []string{"archived_project_key", "idle", "never_used", "owner_without_access", "service_account_owner",
			"too_many_keys_per_owner", "too_many_org_owners", "too_old", "user_owned"}
		if rules := rulesOf(t, findings); !slices.Equal(rules, want) {
			t.Fatalf("%s: the findings cover the rules %v, want %v", listing.name, rules, want)
		}
		// owner_without_access on both kinds: project keys through
		// owner_project_access, Linus's admin key against openai_users.
		if !slices.ContainsFunc(findings, func(f string) bool {
			return strings.Contains(f, `"rule": "owner_without_access"`) && strings.Contains(f, `"kind": "admin"`)
		}) {
			t.Fatalf("%s: no admin key is owner_without_access's: the policy did not read openai_users from the plan?\n%s", listing.name, strings.Join(findings, "\n"))
		}
		for _, f := range findingsOf(t, findings) {
			if f.Kind != nil && *f.Kind == "admin" && f.KeyID != nil && !isAdminKey[*f.KeyID] {
				t.Errorf("%s: the project key %s is found as an admin key by %s: %s", listing.name, *f.KeyID, f.Rule, f.Detail)
			}
		}
		if first == nil {
			first = findings
		} else if !slices.Equal(findings, first) {
			t.Fatalf("the findings differ with the admin key listing's contents:\nwith project keys:\n%s\n%s:\n%s",
				strings.Join(first, "\n"), listing.name, strings.Join(findings, "\n"))
		}
		t.Logf("%s: the module and the policy agree on %d findings, rules %v", listing.name, len(findings), rulesOf(t, findings))
	}
}

// findingsOf decodes canonical findings.
func findingsOf(t *testing.T, findings []string) []struct {
	Rule, Detail string
	KeyID        *string `json:"key_id"`
	Kind         *string
} {
	t.Helper()
	out := make([]struct {
		Rule, Detail string
		KeyID        *string `json:"key_id"`
		Kind         *string
	}, len(findings))
	for i, line := range findings {
		if err := json.Unmarshal([]byte(line), &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// example is a configuration of examples/, planned against the fake Admin
// API's sample organization.
type example struct {
	// dir is the copy planned, with modules/ where the repository has it;
	// env serves it the provider and the fake.
	dir  string
	env  []string
	plan []byte
}

// planExample copies examples/<name> and modules/ into a work directory, so
// that the example's relative module source resolves as in the repository,
// and plans it with the real terraform against the fake's sample
// organization, as make demo serves it, offline: terraform get installs the
// local module, and the provider comes through dev_overrides.
func planExample(t *testing.T, ctx context.Context, terraform, name string) example {
	t.Helper()
	return planExampleOn(t, ctx, terraform, name, sampleOrganizationOptions)
}

// planExampleOn is planExample against a fake with opts.
func planExampleOn(t *testing.T, ctx context.Context, terraform, name string, opts openaitest.Options) example {
	t.Helper()
	root := repoRoot(t)
	work := t.TempDir()
	env := append(sampleOrganizationEnvOn(t, ctx, work, opts), "OPENAI_ADMIN_KEY="+openaitest.DefaultAdminKey)

	dir := filepath.Join(work, "examples", filepath.FromSlash(name))
	copyTree(t, filepath.Join(root, "examples", filepath.FromSlash(name)), dir)
	copyTree(t, filepath.Join(root, "modules"), filepath.Join(work, "modules"))

	tf := newTerraformCLI(t, dir, terraform, env)
	tf.get(t, ctx)
	return example{dir: dir, env: env, plan: tf.planJSON(t, ctx)}
}

// sampleOrganizationOptions are the fake's options in make demo: its admin
// key listing holds every project key too, as the API describes it.
var sampleOrganizationOptions = openaitest.Options{AdminListingHoldsProjectKeys: true}

// sampleOrganizationEnv serves the fake Admin API's sample organization, as
// make demo does, until the test ends, and returns the environment that
// points terraform at it, with the provider built into work: everything but
// the admin key.
func sampleOrganizationEnv(t *testing.T, ctx context.Context, work string) []string {
	t.Helper()
	return sampleOrganizationEnvOn(t, ctx, work, sampleOrganizationOptions)
}

// sampleOrganizationEnvOn is sampleOrganizationEnv against a fake with opts.
func sampleOrganizationEnvOn(t *testing.T, ctx context.Context, work string, opts openaitest.Options) []string {
	t.Helper()
	srv := openaitest.NewServer(opts)
	t.Cleanup(srv.Close)
	srv.LoadSampleOrganization()
	return append(devProviderEnv(t, ctx, repoRoot(t), work), "OPENAI_ADMIN_BASE_URL="+srv.URL())
}

// terraformPath is the terraform the acceptance tests use; without one, and
// without TF_ACC, the test skips.
func terraformPath(t *testing.T) string {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("TF_ACC is not set: this test runs the real terraform (make test sets it)")
	}
	if terraform := os.Getenv("TF_ACC_TERRAFORM_PATH"); terraform != "" {
		return terraform
	}
	terraform, err := exec.LookPath("terraform")
	if err != nil {
		t.Skip("no terraform: set TF_ACC_TERRAFORM_PATH=$(scripts/terraform-path)")
	}
	return terraform
}

// devProviderEnv builds the provider into work and returns the environment
// that serves it to terraform through dev_overrides, as scripts/demo does:
// no terraform init, no registry.
func devProviderEnv(t *testing.T, ctx context.Context, root, work string) []string {
	t.Helper()
	bin := filepath.Join(work, "bin")
	run(t, ctx, root, nil, "go", "build", "-o", filepath.Join(bin, "terraform-provider-openai"),
		"github.com/keycensus/terraform-provider-openai")
	rc := filepath.Join(work, "terraformrc")
	config := fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/keycensus/openai" = %q
  }
  direct {}
}
`, bin)
	if err := os.WriteFile(rc, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_CLI_CONFIG_FILE=" + rc}
}

// run runs a command in dir with the environment plus env, failing the test
// with its output when it fails, and returns its stdout.
func run(t *testing.T, ctx context.Context, dir string, env []string, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", name, strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.Bytes()
}

// copyTree copies a directory of configuration, leaving out what terraform
// writes (.terraform, state, plans), so a developer's leftovers do not leak in.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		name := d.Name()
		if name == ".terraform" || strings.HasPrefix(name, "terraform.tfstate") || name == ".terraform.lock.hcl" ||
			strings.HasSuffix(name, ".tfplan") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatalf("copy %s: %v", from, err)
	}
}
