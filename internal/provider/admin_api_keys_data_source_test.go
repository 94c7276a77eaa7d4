package provider

import (
	"fmt"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

func TestAccAdminAPIKeysDataSource(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	seeded := f.srv.SeedAdminKeys(250)
	keys, ids := adminKeysCheck(seeded)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`data "openai_admin_api_keys" "all" {}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.all", tfjsonpath.New("order"), knownvalue.StringExact("asc")),
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.all", tfjsonpath.New("keys"), keys),
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.all", tfjsonpath.New("ids"), ids),
			},
		}},
	})
	// Every Terraform command of the step swept once, in exactly 3 pages.
	f.expectAdminKeySweeps(t, []string{"", seeded[99].ID, seeded[199].ID})
}

func TestAccAdminAPIKeysDataSourceDescending(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	seeded := f.srv.SeedAdminKeys(250)
	slices.Reverse(seeded)
	keys, ids := adminKeysCheck(seeded)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`data "openai_admin_api_keys" "newest" { order = "desc" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.newest", tfjsonpath.New("keys"), keys),
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.newest", tfjsonpath.New("ids"), ids),
			},
		}},
	})
	f.expectAdminKeySweeps(t, []string{"", seeded[99].ID, seeded[199].ID})
}

func TestAccAdminAPIKeysDataSourceEmptyOrganization(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`data "openai_admin_api_keys" "all" {}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.all", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.all", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccAdminAPIKeysDataSourceSharesOneSweep(t *testing.T) {
	step := func(f *accFixture, body string) resource.TestStep {
		return resource.TestStep{
			Config: f.config(body),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.a", tfjsonpath.New("ids"), knownvalue.ListSizeExact(250)),
			},
		}
	}
	one := newAccFixture(t, openaitest.Options{})
	one.srv.SeedAdminKeys(250)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: one.factories(),
		Steps:                    []resource.TestStep{step(one, `data "openai_admin_api_keys" "a" {}`)},
	})

	three := newAccFixture(t, openaitest.Options{})
	seeded := three.srv.SeedAdminKeys(250)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: three.factories(),
		Steps: []resource.TestStep{step(three, `
data "openai_admin_api_keys" "a" {}
data "openai_admin_api_keys" "b" { order = "asc" }
data "openai_admin_api_keys" "c" {}
check "keys_agree" {
  assert {
    condition     = data.openai_admin_api_keys.a.ids == data.openai_admin_api_keys.b.ids && data.openai_admin_api_keys.b.ids == data.openai_admin_api_keys.c.ids
    error_message = "the data sources disagree"
  }
}`)},
	})

	want := []string{"", seeded[99].ID, seeded[199].ID}
	if got, base := three.expectAdminKeySweeps(t, want), one.expectAdminKeySweeps(t, want); got != base {
		t.Errorf("three data sources swept %d times, one data source %d times: reads are not shared", got, base)
	}
}

func TestAccAdminAPIKeysDataSourceRateLimitsAreInvisible(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	seeded := f.srv.SeedAdminKeys(250)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 429, Times: 3})
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 503, Times: 1})
	_, ids := adminKeysCheck(seeded)

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`data "openai_admin_api_keys" "all" {}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.all", tfjsonpath.New("ids"), ids),
			},
		}},
	})
	if slept := f.clock.Slept(); slept == 0 {
		t.Error("the provider did not back off on the fake clock")
	}
}

func TestAccAdminAPIKeysDataSourceErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		opts   openaitest.Options
		fault  *openaitest.Fault
		config func(*accFixture) string
		want   []string
	}{
		{
			name: "wrong key",
			config: func(f *accFixture) string {
				return fmt.Sprintf(`
provider "openai" {
  admin_key = "sk-admin-not-the-right-one"
  base_url  = %q
}
data "openai_admin_api_keys" "all" {}`, f.srv.URL())
			},
			want: []string{"Invalid OpenAI Admin Key", "OPENAI_ADMIN_KEY", "HTTP status: 401", "API message: Incorrect API key provided", "Request ID: req_"},
		},
		{
			name:  "missing scope, 403 envelope",
			fault: &openaitest.Fault{Kind: openaitest.FaultMissingScope, Times: 100},
			want:  []string{"Insufficient OpenAI Admin Key Permissions", "api.management.read scope", "HTTP status: 403", "Missing scopes: api.management.read", "Request ID: req_"},
		},
		{
			name:  "missing scope, 401 envelope",
			opts:  openaitest.Options{MissingScopeStatus: 401},
			fault: &openaitest.Fault{Kind: openaitest.FaultMissingScope, Times: 100},
			want:  []string{"Insufficient OpenAI Admin Key Permissions", "api.management.read scope", "HTTP status: 401", "Request ID: req_"},
		},
		{
			name: "missing scope, bare string 403",
			fault: &openaitest.Fault{Kind: openaitest.FaultBareError, Status: 403, Times: 100,
				Message: "You have insufficient permissions for this operation. Missing scopes: api.management.read."},
			want: []string{"Insufficient OpenAI Admin Key Permissions", "HTTP status: 403", "API message: You have insufficient permissions", "Request ID: req_"},
		},
		{
			name:  "loop guard",
			fault: &openaitest.Fault{Kind: openaitest.FaultRepeatCursor, Times: 1000},
			want:  []string{"Inconsistent Pagination From OpenAI Admin API", "inconsistent cursor", "Request ID: req_"},
		},
		{
			name:  "retries exhausted",
			fault: &openaitest.Fault{Kind: openaitest.FaultStatus, Status: 429, Times: 1000},
			config: func(f *accFixture) string {
				return fmt.Sprintf(`
provider "openai" {
  admin_key   = %q
  base_url    = %q
  max_retries = 2
}
data "openai_admin_api_keys" "all" {}`, openaitest.DefaultAdminKey, f.srv.URL())
			},
			want: []string{"OpenAI Admin API Rate Limit Exceeded", "max_retries", "HTTP status: 429", "Attempts: 3", "Request ID: req_"},
		},
		{
			name:  "server error",
			fault: &openaitest.Fault{Kind: openaitest.FaultStatus, Status: 501, Times: 1000},
			want:  []string{"OpenAI Admin API Server Error", "HTTP status: 501", "Request ID: req_"},
		},
		{
			name:  "malformed response",
			fault: &openaitest.Fault{Kind: openaitest.FaultMalformedJSON, Times: 1000},
			want:  []string{"Unreadable OpenAI Admin API Response", "base_url", "Request ID: req_"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAccFixture(t, tc.opts)
			f.srv.SeedAdminKeys(250)
			if tc.fault != nil {
				// The loop guard needs a first page to repeat.
				if tc.fault.Kind == openaitest.FaultRepeatCursor {
					f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultLatency})
				}
				f.srv.Inject(*tc.fault)
			}
			config := f.config(`data "openai_admin_api_keys" "all" {}`)
			if tc.config != nil {
				config = tc.config(f)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f.factories(),
				Steps:                    []resource.TestStep{{Config: config, ExpectError: detail(tc.want...)}},
			})
		})
	}
}

func TestAccAdminAPIKeysDataSourceInvalidOrder(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config:      f.config(`data "openai_admin_api_keys" "all" { order = "newest" }`),
			ExpectError: detail(`Attribute order value must be one of: ["asc" "desc"]`),
		}},
	})
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("an invalid order sent %d requests", n)
	}
}

func TestAccAdminAPIKeysDataSourceTooManyKeys(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	f.maxListItems = 100 // Stands in for the 400,000 that fit a Terraform response.
	f.srv.SeedAdminKeys(250)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config:      f.config(`data "openai_admin_api_keys" "all" {}`),
			ExpectError: detail("Too Many Admin API Keys for One Data Source", "listed 250 admin API keys, more than the 100", "256 MiB", "Revoke"),
		}},
	})
}

// openai_admin_api_keys maps the admin key listing as the API gives it, project
// keys and all when it holds them; with exclude_project_keys, every key that a
// project lists, archived projects included, is dropped, on either listing.
func TestAccAdminAPIKeysDataSourceExcludeProjectKeys(t *testing.T) {
	for _, listing := range adminListings {
		t.Run(listing.name, func(t *testing.T) {
			f := newAccFixture(t, listing.opts)
			admin, _, _ := inventoryOrg(f, 9)
			served := f.srv.AdminListing()
			if listing.opts.AdminListingHoldsProjectKeys == (len(served) == len(admin)) {
				t.Fatalf("the admin key listing holds %d keys for %d admin keys", len(served), len(admin))
			}
			listingKeys, listingIDs := adminKeysCheck(served)
			adminKeys, adminIDs := adminKeysCheck(admin)
			slices.Reverse(admin)
			newestKeys, newestIDs := adminKeysCheck(admin)
			const listed, only, newest = "data.openai_admin_api_keys.listing", "data.openai_admin_api_keys.admin", "data.openai_admin_api_keys.newest"
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f.factories(),
				Steps: []resource.TestStep{{
					Config: f.config(`
data "openai_admin_api_keys" "listing" {}
data "openai_admin_api_keys" "admin" { exclude_project_keys = true }
data "openai_admin_api_keys" "newest" {
  exclude_project_keys = true
  order                = "desc"
}`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue(listed, tfjsonpath.New("exclude_project_keys"), knownvalue.Bool(false)),
						statecheck.ExpectKnownValue(listed, tfjsonpath.New("keys"), listingKeys),
						statecheck.ExpectKnownValue(listed, tfjsonpath.New("ids"), listingIDs),
						statecheck.ExpectKnownValue(only, tfjsonpath.New("exclude_project_keys"), knownvalue.Bool(true)),
						statecheck.ExpectKnownValue(only, tfjsonpath.New("keys"), adminKeys),
						statecheck.ExpectKnownValue(only, tfjsonpath.New("ids"), adminIDs),
						statecheck.ExpectKnownValue(newest, tfjsonpath.New("keys"), newestKeys),
						statecheck.ExpectKnownValue(newest, tfjsonpath.New("ids"), newestIDs),
					},
				}},
			})
			// Archived projects are listed and swept: with only active ones,
			// their keys would stay among the admin keys.
			for _, r := range f.srv.Requests() {
				if r.Path == "/organization/projects" && r.Query.Get("include_archived") != "true" {
					t.Fatalf("projects listed with include_archived=%q", r.Query.Get("include_archived"))
				}
			}
		})
	}
}
