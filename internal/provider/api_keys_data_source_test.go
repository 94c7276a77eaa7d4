package provider

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// inventoryOrg seeds the organization the openai_api_keys tests read: 50
// admin keys and n projects of 0 to 250 keys (every third archived), whose
// keys mix users and service accounts, used and never used, and owners with
// and without access to the project.
func inventoryOrg(f *accFixture, n int) ([]openaitest.AdminKey, []openaitest.Project, map[string][]openaitest.ProjectKey) {
	admin := f.srv.SeedAdminKeys(50)
	projects, keys := f.srv.SeedProjects(n, func(i int) int { return (i * 53) % 251 })
	return admin, projects, keys
}

// anyAdminKeyCheck expects an admin key in the shape of openai_api_keys.
func anyAdminKeyCheck(k openaitest.AdminKey) knownvalue.Check {
	null := knownvalue.Null()
	checks := adminKeyAttrChecks(k)
	checks["kind"] = knownvalue.StringExact("admin")
	checks["project_id"], checks["project_name"], checks["project_status"], checks["owner_project_access"] = null, null, null, null
	checks["owner"] = knownvalue.ObjectExact(map[string]knownvalue.Check{
		"type":       knownvalue.StringExact(k.Owner.Type),
		"id":         knownvalue.StringExact(k.Owner.ID),
		"name":       nullableStringCheck(k.Owner.Name),
		"email":      null,
		"role":       knownvalue.StringExact(k.Owner.Role),
		"created_at": knownvalue.Int64Exact(k.Owner.CreatedAt),
	})
	return knownvalue.ObjectExact(checks)
}

// anyProjectKeyCheck expects a project key in the shape of openai_api_keys.
func anyProjectKeyCheck(p openaitest.Project, k openaitest.ProjectKey) knownvalue.Check {
	checks := projectKeyAttrChecks(k)
	checks["kind"] = knownvalue.StringExact("project")
	checks["expires_at"], checks["expires_at_rfc3339"] = knownvalue.Null(), knownvalue.Null()
	checks["project_id"] = knownvalue.StringExact(p.ID)
	checks["project_name"] = nullableStringCheck(p.Name)
	checks["project_status"] = knownvalue.StringExact(p.Status)
	return knownvalue.ObjectExact(checks)
}

// inventoryChecks is the whole expected list and its ids, in the documented
// order: admin keys oldest first, then each project's keys.
func inventoryChecks(admin []openaitest.AdminKey, projects []openaitest.Project, keys map[string][]openaitest.ProjectKey, archived bool) (objects, ids []knownvalue.Check) {
	for _, k := range admin {
		objects = append(objects, anyAdminKeyCheck(k))
		ids = append(ids, knownvalue.StringExact(k.ID))
	}
	for _, p := range projects {
		if p.Status == "archived" && !archived {
			continue
		}
		for _, k := range keys[p.ID] {
			objects = append(objects, anyProjectKeyCheck(p, k))
			ids = append(ids, knownvalue.StringExact(k.ID))
		}
	}
	return objects, ids
}

// floorRequests is the fewest requests a read can make: ⌈A/100⌉ + ⌈P/100⌉ +
// Σ max(1, ⌈kₚ/100⌉), where an empty list still takes its one request.
func floorRequests(admin int, projects []openaitest.Project, keys map[string][]openaitest.ProjectKey, archived bool) int {
	pages := func(n int) int { return max(1, (n+99)/100) }
	n, listed := pages(admin), 0
	for _, p := range projects {
		if p.Status == "archived" && !archived {
			continue
		}
		listed++
		n += pages(len(keys[p.ID]))
	}
	return n + pages(listed)
}

// servedPerRun counts the requests answered 200 and the Terraform commands
// that read the inventory (one projects listing each).
func servedPerRun(t *testing.T, srv *openaitest.Server) (requests, runs int) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Status == 200 {
			requests++
			if r.Path == "/organization/projects" {
				runs++
			}
		}
	}
	if runs == 0 {
		t.Fatal("the projects were never listed")
	}
	return requests, runs
}

// Every attribute of every key of a 32-project organization, with and
// without archived projects, at the fewest requests the API allows.
func TestAccAPIKeysDataSource(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	admin, projects, keys := inventoryOrg(f, 32)
	activeKeys, activeIDs := inventoryChecks(admin, projects, keys, false)
	allKeys, allIDs := inventoryChecks(admin, projects, keys, true)
	if len(activeKeys) < 2000 || len(allKeys) == len(activeKeys) {
		t.Fatalf("%d and %d keys: the organization is too small to prove much", len(activeKeys), len(allKeys))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`
data "openai_api_keys" "active" {}
data "openai_api_keys" "all" { include_archived_projects = true }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_api_keys.active", tfjsonpath.New("include_archived_projects"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.openai_api_keys.active", tfjsonpath.New("keys"), knownvalue.ListExact(activeKeys)),
				statecheck.ExpectKnownValue("data.openai_api_keys.active", tfjsonpath.New("ids"), knownvalue.ListExact(activeIDs)),
				statecheck.ExpectKnownValue("data.openai_api_keys.all", tfjsonpath.New("include_archived_projects"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue("data.openai_api_keys.all", tfjsonpath.New("keys"), knownvalue.ListExact(allKeys)),
				statecheck.ExpectKnownValue("data.openai_api_keys.all", tfjsonpath.New("ids"), knownvalue.ListExact(allIDs)),
			},
		}},
	})
	// The two share the admin keys and the active projects' keys: a run
	// costs the floor of the larger one plus one listing of active projects.
	requests, runs := servedPerRun(t, f.srv)
	runs /= 2
	if want := floorRequests(len(admin), projects, keys, true) + 1; requests != runs*want {
		t.Errorf("%d requests over %d runs, want %d a run", requests, runs, want)
	}
	// Keys whose owner lost access are in: the point of owner_project_access=any.
	for _, r := range f.srv.Requests() {
		if strings.HasSuffix(r.Path, "/api_keys") && r.Query.Get("owner_project_access") != "any" {
			t.Fatalf("project keys listed with owner_project_access=%q", r.Query.Get("owner_project_access"))
		}
	}
}

func TestAccAPIKeysDataSourceDefaultsAndEmpty(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`data "openai_api_keys" "all" {}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_api_keys.all", tfjsonpath.New("include_archived_projects"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue("data.openai_api_keys.all", tfjsonpath.New("keys"), knownvalue.ListExact([]knownvalue.Check{})),
				statecheck.ExpectKnownValue("data.openai_api_keys.all", tfjsonpath.New("ids"), knownvalue.ListExact([]knownvalue.Check{})),
			},
		}},
	})
}

// With every other data source in the same configuration, with the same
// arguments, a run costs what openai_api_keys alone costs.
func TestAccAPIKeysDataSourceSharesSweeps(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	admin, projects, keys := inventoryOrg(f, 12)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`
data "openai_api_keys" "all" { include_archived_projects = true }
data "openai_admin_api_keys" "all" {}
data "openai_projects" "all" { include_archived = true }
data "openai_project_api_keys" "one" { project_id = "proj_0001" }
data "openai_project_api_keys" "two" { project_id = "proj_0002" }`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_project_api_keys.one", tfjsonpath.New("ids"), knownvalue.ListSizeExact(len(keys["proj_0001"]))),
			},
		}},
	})
	requests, runs := servedPerRun(t, f.srv)
	if want := floorRequests(len(admin), projects, keys, true); requests != runs*want {
		t.Errorf("%d requests over %d runs, want %d a run: the sweeps are not shared", requests, runs, want)
	}
}

// A project deleted between the listing of projects and the listing of its
// keys answers 404: it is left out, and the rest is read exactly.
func TestAccAPIKeysDataSourceDeletedProject(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	admin, projects, keys := inventoryOrg(f, 8)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 404, Path: "/organization/projects/proj_0004/api_keys", Times: 100,
		Message: "No such project: proj_0004"})
	var kept []knownvalue.Check
	for _, k := range admin {
		kept = append(kept, knownvalue.StringExact(k.ID))
	}
	for _, p := range projects {
		if p.Status == "archived" || p.ID == "proj_0004" {
			continue
		}
		for _, k := range keys[p.ID] {
			kept = append(kept, knownvalue.StringExact(k.ID))
		}
	}
	if len(keys["proj_0004"]) == 0 {
		t.Fatal("proj_0004 has no keys: leaving it out would prove nothing")
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`data "openai_api_keys" "all" {}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_api_keys.all", tfjsonpath.New("ids"), knownvalue.ListExact(kept)),
			},
		}},
	})
}

// Any other failure of one project fails the read, names the project, and
// gives the API's message and request id.
func TestAccAPIKeysDataSourceFailingProject(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	inventoryOrg(f, 8)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 400, Path: "/organization/projects/proj_0007/api_keys", Times: 100,
		Message: "The project is locked for migration."})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config:      f.config(`data "openai_api_keys" "all" {}`),
			ExpectError: detail("OpenAI Admin API Request Failed", `list the API keys of project "Project 7" (proj_0007)`, "HTTP status: 400", "The project is locked for migration.", "Request ID: req_"),
		}},
	})
}

// newTestProviderData is the provider's data for a client of srv, as
// Configure builds it.
func newTestProviderData(t *testing.T, srv *openaitest.Server, clock client.Clock) *providerData {
	t.Helper()
	c, err := client.New(client.Config{AdminKey: openaitest.DefaultAdminKey, BaseURL: srv.URL(), Clock: clock, Jitter: func() float64 { return 0 }})
	if err != nil {
		t.Fatal(err)
	}
	return &providerData{client: c, maxListItems: defaultMaxListItems}
}

func TestAllAPIKeysWarnsOfADeletedProject(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(1_800_000_000, 0))
	srv := openaitest.NewServer(openaitest.Options{Clock: clock})
	t.Cleanup(srv.Close)
	srv.SeedProjects(5, func(int) int { return 3 })
	srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 404, Path: "/organization/projects/proj_0001/api_keys"})

	keys, diags := newTestProviderData(t, srv, clock).allAPIKeys(context.Background(), false)
	if diags.HasError() || diags.WarningsCount() != 1 {
		t.Fatalf("diagnostics %v, want one warning", diags)
	}
	if w := diags.Warnings()[0]; w.Summary() != "Project Deleted During the Read" || !strings.Contains(w.Detail(), `"Project 1" (proj_0001)`) {
		t.Fatalf("warning %q: %q, want one naming Project 1", w.Summary(), w.Detail())
	}
	// Projects 0, 1, 3 and 4 are active, 2 archived; project 1 is gone.
	var got []string
	for _, k := range keys {
		got = append(got, k.of.ID)
	}
	if want := "proj_0000 proj_0000 proj_0000 proj_0003 proj_0003 proj_0003 proj_0004 proj_0004 proj_0004"; strings.Join(got, " ") != want {
		t.Fatalf("keys of %v, want %s", got, want)
	}
}

// Cancelling the read stops every project sweep at once, and no more than
// four run together.
func TestAllAPIKeysStopsOnCancel(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(1_800_000_000, 0))
	srv := openaitest.NewServer(openaitest.Options{Clock: clock})
	t.Cleanup(srv.Close)
	srv.SeedProjects(12, func(int) int { return 3 })
	srv.Inject(openaitest.Fault{Kind: openaitest.FaultHang, Path: "/organization/projects/proj_", Times: 100})

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	var (
		keys []anyKey
		errs []string
	)
	go func() {
		defer close(done)
		k, diags := newTestProviderData(t, srv, clock).allAPIKeys(ctx, true)
		keys = k
		for _, d := range diags.Errors() {
			errs = append(errs, d.Summary())
		}
	}()
	hanging := func() int {
		n := 0
		for _, r := range srv.Requests() {
			if strings.HasSuffix(r.Path, "/api_keys") {
				n++
			}
		}
		return n
	}
	// Wait, without sleeping, until the bound is reached.
	for hanging() < projectSweepConcurrency {
		runtime.Gosched()
	}
	cancel()
	<-done
	if keys != nil || len(errs) != 1 || errs[0] != "OpenAI Admin API Request Cancelled" {
		t.Fatalf("got %d keys and errors %v, want none and one cancellation", len(keys), errs)
	}
	if n := hanging(); n != projectSweepConcurrency {
		t.Fatalf("%d project sweeps started, want the %d in flight when the read was cancelled", n, projectSweepConcurrency)
	}
}
