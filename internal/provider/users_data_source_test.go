package provider

import (
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

func nullableBoolCheck(v *bool) knownvalue.Check {
	if v == nil {
		return knownvalue.Null()
	}
	return knownvalue.Bool(*v)
}

func userCheck(u openaitest.User) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"id":                           knownvalue.StringExact(u.ID),
		"name":                         nullableStringCheck(u.Name),
		"email":                        nullableStringCheck(u.Email),
		"role":                         nullableStringCheck(u.Role),
		"added_at":                     knownvalue.Int64Exact(u.AddedAt),
		"added_at_rfc3339":             knownvalue.StringExact(time.Unix(u.AddedAt, 0).UTC().Format(time.RFC3339)),
		"is_service_account":           nullableBoolCheck(u.IsServiceAccount),
		"is_scim_managed":              nullableBoolCheck(u.IsSCIMManaged),
		"api_key_last_used_at":         nullableInt64Check(u.APIKeyLastUsedAt),
		"api_key_last_used_at_rfc3339": nullableRFC3339Check(u.APIKeyLastUsedAt),
	})
}

// 230 users over three pages, each attribute exact and each null kept
// null, unknown fields ignored, and two data sources sharing one sweep.
func TestAccUsersDataSource(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{UnknownFields: true})
	users := f.srv.SeedUsers(230)
	var checks, ids []knownvalue.Check
	var nullName, nullRole, noFlags, neverUsed bool
	for _, u := range users {
		checks = append(checks, userCheck(u))
		ids = append(ids, knownvalue.StringExact(u.ID))
		nullName = nullName || u.Name == nil
		nullRole = nullRole || u.Role == nil
		noFlags = noFlags || u.IsServiceAccount == nil
		neverUsed = neverUsed || u.APIKeyLastUsedAt == nil
	}
	if !nullName || !nullRole || !noFlags || !neverUsed {
		t.Fatal("the seed lacks a user with a null name, role, flags or last use")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`
data "openai_users" "all" {}
data "openai_users" "again" {}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_users.all", tfjsonpath.New("users"), knownvalue.ListExact(checks)),
				statecheck.ExpectKnownValue("data.openai_users.all", tfjsonpath.New("ids"), knownvalue.ListExact(ids)),
				statecheck.ExpectKnownValue("data.openai_users.again", tfjsonpath.New("ids"), knownvalue.ListSizeExact(230)),
			},
		}},
	})
	// Every sweep is three pages, after= the last id of the page before, and
	// the two data sources share one sweep per run.
	var sweeps [][]string
	for _, r := range f.srv.Requests() {
		if r.Path != "/organization/users" {
			continue
		}
		if r.Query.Get("limit") != "100" {
			t.Fatalf("users listed with limit=%q, want 100", r.Query.Get("limit"))
		}
		if r.Query.Get("after") == "" {
			sweeps = append(sweeps, nil)
		}
		sweeps[len(sweeps)-1] = append(sweeps[len(sweeps)-1], r.Query.Get("after"))
	}
	want := []string{"", users[99].ID, users[199].ID}
	for i, s := range sweeps {
		if strings.Join(s, ",") != strings.Join(want, ",") {
			t.Errorf("sweep %d sent after=%q, want %q", i, s, want)
		}
	}
	if runs := f.srv.CountRequests("/organization/admin_api_keys"); len(sweeps) == 0 || runs != 0 {
		t.Errorf("%d sweeps of users and %d requests for admin keys", len(sweeps), runs)
	}
}

func TestAccUsersDataSourceEmpty(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`data "openai_users" "all" {}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_users.all", tfjsonpath.New("users"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.openai_users.all", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

func TestAccUsersDataSourceErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault openaitest.Fault
		want  []string
	}{
		{"missing scope", openaitest.Fault{Kind: openaitest.FaultMissingScope, Path: "/organization/users", Times: 100},
			[]string{"Insufficient OpenAI Admin Key Permissions", "list the organization's users", "api.management.read", "Request ID: req_"}},
		{"a user without added_at", openaitest.Fault{Kind: openaitest.FaultOmitCreatedAt, Path: "/organization/users", Times: 100},
			[]string{"Unreadable OpenAI Admin API Response", "has no added_at, which the API schema requires"}},
		{"a repeated cursor", openaitest.Fault{Kind: openaitest.FaultRepeatCursor, Path: "/organization/users", Times: 100},
			[]string{"Inconsistent Pagination From OpenAI Admin API", "would loop"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAccFixture(t, openaitest.Options{})
			f.srv.SeedUsers(150)
			f.srv.Inject(tc.fault)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f.factories(),
				Steps:                    []resource.TestStep{{Config: f.config(`data "openai_users" "all" {}`), ExpectError: detail(tc.want...)}},
			})
		})
	}
}
