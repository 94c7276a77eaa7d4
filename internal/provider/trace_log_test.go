package provider

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// TestAccTraceLogNeverShowsAdminKey runs the built provider under the real
// terraform with TF_LOG=trace, as a user debugging a plan would, and searches
// everything printed for the admin key.
func TestAccTraceLogNeverShowsAdminKey(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	terraform := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if terraform == "" {
		var err error
		if terraform, err = exec.LookPath("terraform"); err != nil {
			t.Fatal("no terraform binary: set TF_ACC_TERRAFORM_PATH or run through make test")
		}
	}
	const secret = "sk-admin-trace-SECRET-4f1d9a"
	srv := openaitest.NewServer(openaitest.Options{AdminKey: secret})
	t.Cleanup(srv.Close)
	srv.SeedAdminKeys(150)

	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bin", "terraform-provider-openai"), "../..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(dir, "terraformrc")
	writeFile(t, rc, fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/keycensus/openai" = %q
  }
  direct {}
}
`, filepath.Join(dir, "bin")))

	for _, tc := range []struct {
		name, provider string
		env            []string
		fault          *openaitest.Fault
	}{
		{name: "key from the environment", provider: `provider "openai" {}`, env: []string{"OPENAI_ADMIN_KEY=" + secret}},
		{
			name:     "key in the configuration, with a retry",
			provider: fmt.Sprintf(`provider "openai" { admin_key = %q }`, secret),
			fault:    &openaitest.Fault{Kind: openaitest.FaultStatus, Status: 429, Headers: map[string]string{"retry-after-ms": "0"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			work := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			writeFile(t, filepath.Join(work, "main.tf"), `
terraform {
  required_providers {
    openai = { source = "registry.terraform.io/keycensus/openai" }
  }
}
`+tc.provider+`
data "openai_admin_api_keys" "all" {}
output "count" { value = length(data.openai_admin_api_keys.all.ids) }
`)
			if tc.fault != nil {
				srv.Inject(*tc.fault)
			}
			cmd := exec.Command(terraform, "-chdir="+work, "plan", "-input=false", "-lock=false", "-no-color")
			cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "TF_LOG=trace", "CHECKPOINT_DISABLE=1",
				"OPENAI_ADMIN_BASE_URL="+srv.URL(), "OPENAI_ADMIN_KEY=")
			cmd.Env = append(cmd.Env, tc.env...)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			log := out.String()
			if strings.Contains(log, secret) {
				t.Fatalf("the admin key appears in the output of terraform plan with TF_LOG=trace")
			}
			if err != nil {
				t.Fatalf("terraform plan: %v\n%s", err, tail(log, 3000))
			}
			// The provider's own trace and debug lines were in what we searched.
			for _, want := range []string{"count = 150", "listed a page", "Received request"} {
				if !strings.Contains(log, want) {
					t.Errorf("the output lacks %q: the search did not cover it", want)
				}
			}
			if tc.fault != nil && !strings.Contains(log, "retrying OpenAI Admin API request") {
				t.Error("the output lacks the retry warning")
			}
		})
	}
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
