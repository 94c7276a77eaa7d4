package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

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

// TestAccComplianceExample plans examples/compliance/main.tf as users will:
// its checks warn on a stale organization, stay quiet on a clean one, and
// its postcondition blocks the plan.
func TestAccComplianceExample(t *testing.T) {
	// Every file but versions.tf, whose provider source the test harness
	// replaces with the in-process provider.
	files, err := filepath.Glob("../../examples/compliance/*.tf")
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
		Owner: openaitest.ProjectKeyOwner{Type: "service_account", ID: "user-sa_1", Name: name, Role: "member", CreatedAt: now - 20*86400},
	}}}

	checks := []string{
		"check.admin_keys_never_used", "check.admin_keys_unused_for_90_days", "check.admin_keys_never_expire", "check.admin_keys_owned_by_users",
		"check.project_keys_unused_for_90_days", "check.project_keys_never_used", "check.no_user_owned_project_keys",
	}
	all := func(status tfjson.CheckStatus) expectChecks {
		e := expectChecks{}
		for _, c := range checks {
			e[c] = status
		}
		return e
	}
	// Plan only, as the example is used: the state shim of
	// terraform-plugin-testing cannot read the for_each instances.
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{
			{
				Config:             string(body),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{all(tfjson.CheckStatusFail)}},
			},
			{
				PreConfig: func() {
					f.srv.SetAdminKeys(clean)
					f.srv.SetProjects([]openaitest.Project{cleanProject}, cleanProjectKeys)
				},
				Config:             string(body),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
				ConfigPlanChecks:   resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{all(tfjson.CheckStatusPass)}},
			},
			{
				Config:          string(body),
				PlanOnly:        true,
				ConfigVariables: config.Variables{"max_admin_keys": config.IntegerVariable(0)},
				ExpectError:     detail("Resource postcondition failed", "1 admin API keys, more than the 0 allowed"),
			},
		},
	})
}
