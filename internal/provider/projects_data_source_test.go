package provider

import (
	"fmt"
	"os"
	"testing"
	"time"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// nonEmpty is nil for "", the fake's way of leaving a field out.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func projectCheck(p openaitest.Project) knownvalue.Check {
	status := "active"
	if p.ArchivedAt != nil {
		status = "archived"
	}
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                  knownvalue.StringExact(p.ID),
		"name":                nullableStringCheck(p.Name),
		"status":              knownvalue.StringExact(status),
		"created_at":          knownvalue.Int64Exact(p.CreatedAt),
		"created_at_rfc3339":  nullableRFC3339Check(&p.CreatedAt),
		"archived_at":         nullableInt64Check(p.ArchivedAt),
		"archived_at_rfc3339": nullableRFC3339Check(p.ArchivedAt),
		"external_key_id":     nullableStringCheck(p.ExternalKeyID),
		"residency":           nullableStringCheck(nonEmpty(p.Residency)),
	})
}

func TestAccProjectsDataSource(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	projects, _ := f.srv.SeedProjects(5, func(int) int { return 0 })
	var active, all, activeIDs []knownvalue.Check
	for _, p := range projects {
		all = append(all, projectCheck(p))
		if p.ArchivedAt == nil {
			active = append(active, projectCheck(p))
			activeIDs = append(activeIDs, knownvalue.StringExact(p.ID))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`
data "openai_projects" "active" {}
data "openai_projects" "all" { include_archived = true }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_projects.active", tfjsonpath.New("include_archived"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.openai_projects.active", tfjsonpath.New("projects"), knownvalue.ListExact(active)),
				statecheck.ExpectKnownValue("data.openai_projects.active", tfjsonpath.New("ids"), knownvalue.ListExact(activeIDs)),
				statecheck.ExpectKnownValue("data.openai_projects.all", tfjsonpath.New("projects"), knownvalue.ListExact(all)),
			},
		}},
	})
}

func projectKeyCheck(k openaitest.ProjectKey) knownvalue.Check {
	return knownvalue.ObjectExact(projectKeyAttrChecks(k))
}

func projectKeyAttrChecks(k openaitest.ProjectKey) map[string]knownvalue.Check {
	email := nullableStringCheck(k.Owner.Email)
	return map[string]knownvalue.Check{
		"id":                   knownvalue.StringExact(k.ID),
		"name":                 nullableStringCheck(k.Name),
		"redacted_value":       knownvalue.StringExact(k.RedactedValue),
		"created_at":           knownvalue.Int64Exact(k.CreatedAt),
		"created_at_rfc3339":   nullableRFC3339Check(&k.CreatedAt),
		"last_used_at":         nullableInt64Check(k.LastUsedAt),
		"last_used_at_rfc3339": nullableRFC3339Check(k.LastUsedAt),
		"owner_project_access": knownvalue.StringExact(k.OwnerProjectAccess),
		"owner": knownvalue.ObjectExact(map[string]knownvalue.Check{
			"type":       knownvalue.StringExact(k.Owner.Type),
			"id":         knownvalue.StringExact(k.Owner.ID),
			"name":       knownvalue.StringExact(k.Owner.Name),
			"email":      email,
			"role":       knownvalue.StringExact(k.Owner.Role),
			"created_at": knownvalue.Int64Exact(k.Owner.CreatedAt),
		}),
	}
}

func TestAccProjectAPIKeysDataSource(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	_, keys := f.srv.SeedProjects(1, func(int) int { return 40 })
	var all, active, inactive []knownvalue.Check
	for _, k := range keys["proj_0000"] {
		all = append(all, projectKeyCheck(k))
		if k.OwnerProjectAccess == "active" {
			active = append(active, knownvalue.StringExact(k.ID))
		} else {
			inactive = append(inactive, knownvalue.StringExact(k.ID))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`
data "openai_project_api_keys" "any" { project_id = "proj_0000" }
data "openai_project_api_keys" "active" {
  project_id           = "proj_0000"
  owner_project_access = "active"
}
data "openai_project_api_keys" "inactive" {
  project_id           = "proj_0000"
  owner_project_access = "inactive"
}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_project_api_keys.any", tfjsonpath.New("owner_project_access"), knownvalue.StringExact("any")),
				statecheck.ExpectKnownValue("data.openai_project_api_keys.any", tfjsonpath.New("keys"), knownvalue.ListExact(all)),
				statecheck.ExpectKnownValue("data.openai_project_api_keys.active", tfjsonpath.New("ids"), knownvalue.ListExact(active)),
				statecheck.ExpectKnownValue("data.openai_project_api_keys.inactive", tfjsonpath.New("ids"), knownvalue.ListExact(inactive)),
			},
		}},
	})
	if len(active) == 0 || len(inactive) == 0 {
		t.Fatalf("the seed has %d active and %d inactive keys: both filters need some", len(active), len(inactive))
	}
}

func TestAccProjectAPIKeysDataSourceErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault *openaitest.Fault
		id    string
		want  []string
	}{
		{name: "unknown project", id: "proj_nope", want: []string{"Project Not Found", `no project with id "proj_nope"`, "HTTP status: 404", "Request ID: req_"}},
		{
			name: "missing scope", id: "proj_0000",
			fault: &openaitest.Fault{Kind: openaitest.FaultMissingScope, Path: "/organization/projects/", Times: 100},
			want:  []string{"Insufficient OpenAI Admin Key Permissions", `API keys of project "proj_0000"`, "api.management.read", "Request ID: req_"},
		},
		{name: "bad access filter", id: "proj_0000", want: []string{`Attribute owner_project_access value must be one of`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAccFixture(t, openaitest.Options{})
			f.srv.SeedProjects(1, func(int) int { return 3 })
			if tc.fault != nil {
				f.srv.Inject(*tc.fault)
			}
			extra := ""
			if tc.name == "bad access filter" {
				extra = `owner_project_access = "all"`
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f.factories(),
				Steps: []resource.TestStep{{
					Config:      f.config(fmt.Sprintf("data \"openai_project_api_keys\" \"k\" {\n  project_id = %q\n  %s\n}", tc.id, extra)),
					ExpectError: detail(tc.want...),
				}},
			})
		})
	}
}

// inventory is the organization-wide inventory of examples/compliance:
// every key of every project, flattened.
// inventory is the per-project pattern of the openai_project_api_keys docs
// page, with outputs to check.
func inventory(t *testing.T) string {
	recipe, err := os.ReadFile("../../examples/data-sources/openai_project_api_keys/per_project.tf")
	if err != nil {
		t.Fatal(err)
	}
	return string(recipe) + `
output "all_ids" {
  value = [for k in local.project_keys : k.id]
}

output "first_project" {
  value = data.openai_project_api_keys.each["proj_0000"]
}
`
}

// TestAccOrganizationInventory lists 30 projects with 0 to 250 keys each,
// and then the same against an API that allows 10 requests a minute and
// answers 429 without hints.
func TestAccOrganizationInventory(t *testing.T) {
	for _, limit := range []int{0, 10} {
		t.Run(fmt.Sprintf("rate_limit=%d", limit), func(t *testing.T) {
			f := newAccFixture(t, openaitest.Options{RateLimitPerMinute: limit})
			// Terraform reads the 30 data sources ten at a time, and on the
			// fake clock their concurrent sleeps add up instead of
			// overlapping, so one request can see far more than the five
			// minutes it would wait in real time. The budget is not what
			// this test is about: completeness and request counts are.
			f.maxRetryWait = 24 * time.Hour
			projects, keys := f.srv.SeedProjects(30, func(i int) int { return (i * 53) % 251 })
			var ids []knownvalue.Check
			for _, p := range projects {
				for _, k := range keys[p.ID] {
					ids = append(ids, knownvalue.StringExact(k.ID))
				}
			}
			if len(keys["proj_0000"]) != 0 {
				t.Fatal("the first project should have no keys")
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f.factories(),
				// Plan only: the state shim of terraform-plugin-testing
				// cannot read for_each instances, and a plan is how the
				// inventory is used anyway.
				Steps: []resource.TestStep{{
					Config:             f.config(inventory(t)),
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
					ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
						plancheck.ExpectKnownOutputValue("all_ids", knownvalue.ListExact(ids)),
						plancheck.ExpectKnownOutputValueAtPath("first_project", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{})),
						plancheck.ExpectKnownOutputValueAtPath("first_project", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{})),
					}},
				}},
			})

			// Each Terraform command listed the projects once and each
			// project's keys in the fewest pages; only 429s were repeated.
			served := map[string]int{}
			for _, r := range f.srv.Requests() {
				if r.Status == 200 {
					served[r.Path]++
				}
			}
			runs := served["/organization/projects"]
			if runs == 0 {
				t.Fatal("the projects were never listed")
			}
			for _, p := range projects {
				path := "/organization/projects/" + p.ID + "/api_keys"
				if want := runs * max(1, (len(keys[p.ID])+99)/100); served[path] != want {
					t.Errorf("%s: %d pages served over %d runs, want %d", path, served[path], runs, want)
				}
			}
			t.Logf("%d runs, %d requests, %s waited on the fake clock", runs, len(f.srv.Requests()), f.clock.Slept())
		})
	}
}

// What the schema allows to be null or absent, and what breaks the schema on
// purpose (named faults of the fake), reads as null: never "" or 0.
func TestAccProjectsNullsStayNull(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{ListIDs: openaitest.ListIDsNull, UnknownFields: true})
	// A project without name, residency or customer-managed key: all allowed.
	bare := openaitest.Project{ID: "proj_bare", CreatedAt: 1_700_000_000}
	f.srv.SetProjects([]openaitest.Project{bare}, map[string][]openaitest.ProjectKey{
		"proj_bare": openaitest.GenerateProjectKeys("proj_bare", 150, 1),
	})
	// Names and emails the schema requires, sent as null on every read.
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultNullNames, Path: "/organization/projects/proj_bare/api_keys", Times: 1000})

	null := knownvalue.Null()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`
data "openai_projects" "all" {}
data "openai_project_api_keys" "bare" { project_id = "proj_bare" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_projects.all", tfjsonpath.New("projects"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"id": knownvalue.StringExact("proj_bare"), "name": null, "status": knownvalue.StringExact("active"),
						"created_at": knownvalue.Int64Exact(1_700_000_000), "created_at_rfc3339": knownvalue.StringExact("2023-11-14T22:13:20Z"),
						"archived_at": null, "archived_at_rfc3339": null, "external_key_id": null, "residency": null,
					}),
				})),
				// 150 keys over pages with null last_ids: all of them, with
				// the names the fault nulled still null.
				statecheck.ExpectKnownValue("data.openai_project_api_keys.bare", tfjsonpath.New("ids"), knownvalue.ListSizeExact(150)),
				statecheck.ExpectKnownValue("data.openai_project_api_keys.bare", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("name"), null),
				statecheck.ExpectKnownValue("data.openai_project_api_keys.bare", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("owner").AtMapKey("name"), null),
				statecheck.ExpectKnownValue("data.openai_project_api_keys.bare", tfjsonpath.New("keys").AtSliceIndex(0).AtMapKey("owner").AtMapKey("email"), null),
				statecheck.ExpectKnownValue("data.openai_project_api_keys.bare", tfjsonpath.New("keys").AtSliceIndex(149).AtMapKey("name"), null),
				statecheck.ExpectKnownValue("data.openai_project_api_keys.bare", tfjsonpath.New("keys").AtSliceIndex(149).AtMapKey("owner").AtMapKey("id"), knownvalue.NotNull()),
			},
		}},
	})
}

// The residency recipe on the openai_projects docs page, planned as users
// copy it: the sample organization's Staging project keeps its data in the
// US, and an unknown (null) residency is a finding too.
func TestAccProjectsResidencyRecipe(t *testing.T) {
	recipe, err := os.ReadFile("../../examples/data-sources/openai_projects/residency.tf")
	if err != nil {
		t.Fatal(err)
	}
	f := newAccFixture(t, openaitest.Options{})
	f.srv.LoadSampleOrganization()
	body := f.config(string(recipe) + `
output "misplaced" { value = local.misplaced_projects }`)
	check := "check.projects_in_allowed_residency"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{
			{
				Config: body,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectChecks{check: tfjson.CheckStatusFail},
				}},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("misplaced",
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Staging (US_STORAGE_PROCESSING)")}))},
			},
			{
				Config: body,
				ConfigVariables: config.Variables{"allowed_residencies": config.SetVariable(
					config.StringVariable("EU_STORAGE_PROCESSING"), config.StringVariable("US_STORAGE_PROCESSING"))},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
					expectChecks{check: tfjson.CheckStatusPass},
				}},
			},
			{
				PreConfig: func() {
					f.srv.AddProject(openaitest.Project{ID: "proj_somewhere", CreatedAt: 1_700_000_000}, nil)
				},
				Config: body,
				ConfigVariables: config.Variables{"allowed_residencies": config.SetVariable(
					config.StringVariable("EU_STORAGE_PROCESSING"), config.StringVariable("US_STORAGE_PROCESSING"))},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("misplaced",
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("proj_somewhere (unknown)")}))},
			},
		},
	})
}
