package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// ephemeralConfig passes the admin key to the provider through a variable,
// as the CI guide shows for Terraform 1.10 and later; %s is true or false.
const ephemeralConfig = `
terraform {
  required_providers {
    openai = { source = "keycensus/openai" }
  }
}

variable "openai_admin_key" {
  type      = string
  sensitive = true
  ephemeral = %s
}

provider "openai" {
  admin_key = var.openai_admin_key
}

data "openai_admin_api_keys" "all" {}

output "admin_keys" {
  value = length(data.openai_admin_api_keys.all.ids)
}
`

// TestEphemeralAdminKeyStaysOutOfThePlan shows why the CI guide passes the
// admin key through the environment, or an ephemeral variable: a saved plan
// keeps the value of an ordinary variable, sensitive or not, and not that of
// an ephemeral one. The key is the fake's and is never printed.
func TestEphemeralAdminKeyStaysOutOfThePlan(t *testing.T) {
	terraform := terraformPath(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	if v := terraformVersion(t, ctx, terraform); !atLeast(v, 1, 10) {
		t.Skipf("%s is Terraform %s: ephemeral variables need 1.10 or later", terraform, v)
	}
	work := t.TempDir()
	// The key only through the variable: OPENAI_ADMIN_KEY would let the
	// provider do without it.
	key := openaitest.DefaultAdminKey
	env := append(sampleOrganizationEnv(t, ctx, work), "TF_VAR_openai_admin_key="+key)

	for _, ephemeral := range []bool{true, false} {
		dir := filepath.Join(work, map[bool]string{true: "ephemeral", false: "ordinary"}[ephemeral])
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		config := strings.Replace(ephemeralConfig, "%s", map[bool]string{true: "true", false: "false"}[ephemeral], 1)
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
		plan := newTerraformCLI(t, dir, terraform, env).planJSON(t, ctx)
		var out struct {
			PlannedValues struct {
				Outputs map[string]struct {
					Value int `json:"value"`
				} `json:"outputs"`
			} `json:"planned_values"`
		}
		if err := json.Unmarshal(plan, &out); err != nil || out.PlannedValues.Outputs["admin_keys"].Value == 0 {
			t.Fatalf("ephemeral = %v: the plan listed no admin keys (%v): the provider did not get the key", ephemeral, err)
		}
		inFile := planFileHolds(t, filepath.Join(dir, "plan.tfplan"), key)
		inJSON := bytes.Contains(plan, []byte(key))
		switch {
		case ephemeral && (inFile || inJSON):
			t.Errorf("ephemeral = true: the admin key is in the saved plan (file %v, JSON %v)", inFile, inJSON)
		case !ephemeral && !inFile:
			t.Errorf("ephemeral = false: the saved plan does not keep the variable's value; the guide's warning would be wrong")
		}
	}
}

// planFileHolds says whether any file of a saved plan, a zip archive,
// contains s.
func planFileHolds(t *testing.T, plan, s string) bool {
	t.Helper()
	r, err := zip.OpenReader(plan)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = r.Close() }()
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, []byte(s)) {
			return true
		}
	}
	return false
}

// terraformVersion is the version a terraform binary reports, such as 1.11.4.
func terraformVersion(t *testing.T, ctx context.Context, terraform string) string {
	t.Helper()
	version, _, err := newTerraformCLI(t, t.TempDir(), terraform, nil).tf.Version(ctx, true)
	if err != nil {
		t.Fatalf("%s version: %v", terraform, err)
	}
	return version.String()
}

// atLeast compares a version's major and minor numbers.
func atLeast(version string, major, minor int) bool {
	var ma, mi int
	if _, err := fmt.Sscanf(version, "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}
