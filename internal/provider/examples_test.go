package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// expectChecks asserts the status of check blocks in the plan.
type expectChecks map[string]tfjson.CheckStatus

func (e expectChecks) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	got := map[string]tfjson.CheckStatus{}
	for _, c := range req.Plan.Checks {
		if c.Address.Kind == tfjson.CheckKindCheckBlock {
			got[c.Address.ToDisplay] = c.Status
		}
	}
	for name, want := range e {
		if got[name] != want {
			resp.Error = fmt.Errorf("%s is %q, want %q (all checks: %v)", name, got[name], want, got)
			return
		}
	}
}

// exceptionUntil matches the end date of the example's exception.
var exceptionUntil = regexp.MustCompile(`(?m)^(\s*until\s*=\s*)"\d{4}-\d{2}-\d{2}"`)

// TestAccComplianceExample plans examples/compliance as users will: the
// key-hygiene module's checks warn on the sample organization, stay quiet on
// a clean one (the example's exception hides legacy-bootstrap's no_expiry),
// and the enforced too_many_admin_keys blocks the plan. Terraform plans at
// the wall clock's time, so the exception's end date is moved a year past
// today, and a step with it moved to yesterday shows the finding back: the
// test passes on any date.
func TestAccComplianceExample(t *testing.T) {
	// The module names the provider registry.terraform.io/keycensus/openai:
	// the harness serves it there, for the example and the module alike.
	t.Setenv("TF_ACC_PROVIDER_NAMESPACE", "keycensus")
	// Every file but versions.tf, whose provider source the test harness
	// replaces with the in-process provider, in a directory of its own: the
	// harness installs modules only for a ConfigDirectory (for a Config string
	// it runs init on the provider blocks alone). The module's relative
	// source is made absolute for that directory.
	files, err := filepath.Glob("../../examples/compliance/*.tf")
	if err != nil {
		t.Fatal(err)
	}
	module, err := filepath.Abs("../../modules/key-hygiene")
	if err != nil {
		t.Fatal(err)
	}
	var body []byte
	for _, name := range files {
		if filepath.Base(name) == "versions.tf" {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		body = append(append(body, b...), '\n')
	}
	example := strings.ReplaceAll(string(body), `"../../modules/key-hygiene"`, strconv.Quote(module))
	if example == string(body) {
		t.Fatal("examples/compliance no longer uses ../../modules/key-hygiene")
	}
	if n := len(exceptionUntil.FindAllString(example, -1)); n != 1 {
		t.Fatalf("examples/compliance has %d exceptions with a date as until, want 1", n)
	}
	today := time.Now().UTC()
	dir := exampleDir(t, exceptionUntil.ReplaceAllString(example, `${1}"`+today.AddDate(1, 0, 0).Format(time.DateOnly)+`"`))
	lapsed := exampleDir(t, exceptionUntil.ReplaceAllString(example, `${1}"`+today.AddDate(0, 0, -1).Format(time.DateOnly)+`"`))
	f := newAccFixture(t, openaitest.Options{})
	f.srv.LoadSampleOrganization()
	// The example configures the provider from the environment.
	t.Setenv(envAdminKey, openaitest.DefaultAdminKey)
	t.Setenv(envBaseURL, f.srv.URL())

	now := time.Now().Unix()
	used, expires := now-86400, now+30*86400
	name := "ci-deployer"
	clean := []openaitest.AdminKey{{
		ID: "key_clean", RedactedValue: "sk-admin...abc", Name: &name, CreatedAt: now - 10*86400,
		ExpiresAt: &expires, LastUsedAt: &used,
		Owner: openaitest.Owner{Type: "service_account", ID: "sa_1", Role: "owner", Name: &name, CreatedAt: now - 20*86400},
	}}

	cleanProject := openaitest.Project{ID: "proj_clean", Name: &name, CreatedAt: now - 30*86400}
	cleanProjectKeys := map[string][]openaitest.ProjectKey{cleanProject.ID: {{
		ID: "key_project_clean", RedactedValue: "sk-abc...def", Name: &name, CreatedAt: now - 5*86400, LastUsedAt: &used,
		OwnerProjectAccess: "active",
		Owner:              openaitest.ProjectKeyOwner{Type: "service_account", ID: "user-sa_1", Name: name, Role: "member", CreatedAt: now - 20*86400},
	}}}

	owner := "owner"
	cleanUsers := []openaitest.User{{ID: "user_1", Name: &name, Role: &owner, AddedAt: now - 40*86400}}

	// The module's check blocks, one per rule, and how each ends on the
	// sample organization (internal/openaitest.SampleOrganization).
	sample := expectChecks{
		"module.key_hygiene.check.archived_project_key":    tfjson.CheckStatusFail,
		"module.key_hygiene.check.expired":                 tfjson.CheckStatusPass,
		"module.key_hygiene.check.expiring_soon":           tfjson.CheckStatusPass,
		"module.key_hygiene.check.idle":                    tfjson.CheckStatusFail,
		"module.key_hygiene.check.never_used":              tfjson.CheckStatusFail,
		"module.key_hygiene.check.no_expiry":               tfjson.CheckStatusPass, // the example's exception
		"module.key_hygiene.check.owner_without_access":    tfjson.CheckStatusFail,
		"module.key_hygiene.check.service_account_owner":   tfjson.CheckStatusFail,
		"module.key_hygiene.check.too_many_admin_keys":     tfjson.CheckStatusPass,
		"module.key_hygiene.check.too_many_keys_per_owner": tfjson.CheckStatusFail,
		"module.key_hygiene.check.too_many_org_owners":     tfjson.CheckStatusFail,
		"module.key_hygiene.check.too_old":                 tfjson.CheckStatusFail,
		"module.key_hygiene.check.user_owned":              tfjson.CheckStatusFail,
	}
	allPass := expectChecks{}
	for address := range sample {
		allPass[address] = tfjson.CheckStatusPass
	}
	// Plan only, as the example is used. Providers given per step make the
	// harness run init on each step's directory, which installs the module.
	resource.Test(t, resource.TestCase{
		// The module's rules are a provider function.
		TerraformVersionChecks: []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: f.factories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				PlanOnly:                 true,
				ExpectNonEmptyPlan:       true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					sample,
					plancheck.ExpectKnownOutputValue("passed", knownvalue.Bool(false)),
					plancheck.ExpectKnownOutputValueAtPath("summary", tfjsonpath.New("no_expiry"), knownvalue.Int64Exact(0)),
					// Two project keys whose owner lost access, and Linus's admin
					// key: he is not among the users.
					plancheck.ExpectKnownOutputValueAtPath("summary", tfjsonpath.New("owner_without_access"), knownvalue.Int64Exact(3)),
					// Ada, Grace and Katherine own the organization.
					plancheck.ExpectKnownOutputValueAtPath("summary", tfjsonpath.New("too_many_org_owners"), knownvalue.Int64Exact(1)),
					plancheck.ExpectKnownOutputValue("expired_exceptions", knownvalue.ListExact([]knownvalue.Check{})),
				}},
			},
			{
				// The exception ended yesterday: legacy-bootstrap's no_expiry
				// is back, and the exception is listed as lapsed.
				ProtoV6ProviderFactories: f.factories(),
				ConfigDirectory:          config.StaticDirectory(lapsed),
				PlanOnly:                 true,
				ExpectNonEmptyPlan:       true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectChecks{"module.key_hygiene.check.no_expiry": tfjson.CheckStatusFail},
					plancheck.ExpectKnownOutputValueAtPath("summary", tfjsonpath.New("no_expiry"), knownvalue.Int64Exact(1)),
					plancheck.ExpectKnownOutputValue("expired_exceptions", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("key_Tn5Zh0Lq4Pe9Xa2C"),
					})),
				}},
			},
			{
				PreConfig: func() {
					f.srv.SetAdminKeys(clean)
					f.srv.SetProjects([]openaitest.Project{cleanProject}, cleanProjectKeys)
					f.srv.SetUsers(cleanUsers)
				},
				ProtoV6ProviderFactories: f.factories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				PlanOnly:                 true,
				ExpectNonEmptyPlan:       true,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					allPass,
					plancheck.ExpectKnownOutputValue("passed", knownvalue.Bool(true)),
				}},
			},
			{
				ProtoV6ProviderFactories: f.factories(),
				ConfigDirectory:          config.StaticDirectory(dir),
				PlanOnly:                 true,
				ConfigVariables:          config.Variables{"max_admin_keys": config.IntegerVariable(0)},
				ExpectError: detail("Module output value precondition failed",
					"too_many_admin_keys: 1 admin keys, more than max_admin_keys = 0"),
			},
		},
	})
}

// exampleDir writes the example's configuration into a directory of its own.
// The harness serves the provider as registry.terraform.io/<namespace>/openai:
// Terraform finds an implied "openai" there by itself, but OpenTofu would look
// in its own registry, so the address is named when a namespace is set.
func exampleDir(t *testing.T, example string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(example), 0o600); err != nil {
		t.Fatal(err)
	}
	if ns := os.Getenv("TF_ACC_PROVIDER_NAMESPACE"); ns != "" {
		versions := fmt.Sprintf("terraform {\n  required_providers {\n    openai = { source = %q }\n  }\n}\n", "registry.terraform.io/"+ns+"/openai")
		if err := os.WriteFile(filepath.Join(dir, "versions.tf"), []byte(versions), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
