package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
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

// adminListings are what the Admin API's admin key listing has been known to
// hold: admin keys alone, and every project's keys too, as the API describes
// it. The data sources must give the same inventory on either.
var adminListings = []struct {
	name string
	opts openaitest.Options
}{
	{"admin keys only", openaitest.Options{}},
	{"with project keys", openaitest.Options{AdminListingHoldsProjectKeys: true}},
}

// servedPerSweep counts the requests answered 200 and the sweeps of the
// admin key listing, which every read of these tests starts with once per
// Terraform command.
func servedPerSweep(t *testing.T, srv *openaitest.Server) (requests, sweeps int) {
	t.Helper()
	for _, r := range srv.Requests() {
		if r.Status == 200 {
			requests++
			if r.Path == "/organization/admin_api_keys" && r.Query.Get("after") == "" {
				sweeps++
			}
		}
	}
	if sweeps == 0 {
		t.Fatal("the admin keys were never listed")
	}
	return requests, sweeps
}

// Every attribute of every key of a 32-project organization, with and
// without archived projects, each key once and of its kind, at the fewest
// requests the API allows, whatever the admin key listing holds.
func TestAccAPIKeysDataSource(t *testing.T) {
	for _, listing := range adminListings {
		t.Run(listing.name, func(t *testing.T) {
			f := newAccFixture(t, listing.opts)
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
			// The two share the admin keys and every project's keys (the
			// active read's check of archived projects included): a run
			// costs the floor of the larger one plus one listing of active
			// projects.
			requests, sweeps := servedPerSweep(t, f.srv)
			if want := floorRequests(len(f.srv.AdminListing()), projects, keys, true) + 1; requests != sweeps*want {
				t.Errorf("%d requests over %d runs, want %d a run", requests, sweeps, want)
			}
			// Keys whose owner lost access are in: the point of owner_project_access=any.
			for _, r := range f.srv.Requests() {
				if strings.HasSuffix(r.Path, "/api_keys") && r.Query.Get("owner_project_access") != "any" {
					t.Fatalf("project keys listed with owner_project_access=%q", r.Query.Get("owner_project_access"))
				}
			}
		})
	}
}

// Without archived projects, none of their keys appears, as an admin key or
// otherwise. When the admin key listing holds admin keys only, the read costs
// exactly the floor; when it holds project keys too, the floor plus one
// listing of every project and the archived projects' keys, which tell the
// archived projects' keys from admin keys.
func TestAccAPIKeysDataSourceWithoutArchivedProjects(t *testing.T) {
	for _, listing := range adminListings {
		t.Run(listing.name, func(t *testing.T) {
			f := newAccFixture(t, listing.opts)
			admin, projects, keys := inventoryOrg(f, 12)
			activeKeys, activeIDs := inventoryChecks(admin, projects, keys, false)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f.factories(),
				Steps: []resource.TestStep{{
					Config: f.config(`data "openai_api_keys" "active" {}`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.openai_api_keys.active", tfjsonpath.New("keys"), knownvalue.ListExact(activeKeys)),
						statecheck.ExpectKnownValue("data.openai_api_keys.active", tfjsonpath.New("ids"), knownvalue.ListExact(activeIDs)),
					},
				}},
			})
			listed := len(f.srv.AdminListing())
			want := floorRequests(listed, projects, keys, false)
			if listing.opts.AdminListingHoldsProjectKeys {
				pages := func(n int) int { return max(1, (n+99)/100) }
				want += pages(len(projects))
				for _, p := range projects {
					if p.Status == "archived" {
						want += pages(len(keys[p.ID]))
					}
				}
			}
			requests, sweeps := servedPerSweep(t, f.srv)
			if requests != sweeps*want {
				t.Errorf("%d requests over %d runs, want %d a run (%d keys in the admin key listing)", requests, sweeps, want, listed)
			}
		})
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
// arguments, a run costs what openai_api_keys alone costs, whatever the admin
// key listing holds.
func TestAccAPIKeysDataSourceSharesSweeps(t *testing.T) {
	for _, listing := range adminListings {
		t.Run(listing.name, func(t *testing.T) {
			f := newAccFixture(t, listing.opts)
			_, projects, keys := inventoryOrg(f, 12)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f.factories(),
				Steps: []resource.TestStep{{
					Config: f.config(`
data "openai_api_keys" "all" { include_archived_projects = true }
data "openai_admin_api_keys" "all" {}
data "openai_admin_api_keys" "admin" { exclude_project_keys = true }
data "openai_projects" "all" { include_archived = true }
data "openai_project_api_keys" "one" { project_id = "proj_0001" }
data "openai_project_api_keys" "two" { project_id = "proj_0002" }`),
					ConfigStateChecks: []statecheck.StateCheck{
						statecheck.ExpectKnownValue("data.openai_project_api_keys.one", tfjsonpath.New("ids"), knownvalue.ListSizeExact(len(keys["proj_0001"]))),
					},
				}},
			})
			requests, sweeps := servedPerSweep(t, f.srv)
			if want := floorRequests(len(f.srv.AdminListing()), projects, keys, true); requests != sweeps*want {
				t.Errorf("%d requests over %d runs, want %d a run: the sweeps are not shared", requests, sweeps, want)
			}
		})
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

// When no active project lists a key of the admin key listing, a redacted
// value unlike an admin key's is reason enough to look at the archived
// projects: their keys are left out, and nothing else is.
func TestAllAPIKeysLooksAtArchivedProjectsOnAHint(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(1_800_000_000, 0))
	srv := openaitest.NewServer(openaitest.Options{Clock: clock, AdminListingHoldsProjectKeys: true})
	t.Cleanup(srv.Close)
	admin := srv.SeedAdminKeys(3)
	archived, archivedAt := openaitest.GenerateProjectKeys("proj_old", 4, 1), int64(3)
	srv.SetProjects([]openaitest.Project{
		{ID: "proj_new", CreatedAt: 1},
		{ID: "proj_old", CreatedAt: 2, ArchivedAt: &archivedAt},
	}, map[string][]openaitest.ProjectKey{"proj_old": archived})

	keys, diags := newTestProviderData(t, srv, clock).allAPIKeys(context.Background(), false)
	if diags.HasError() {
		t.Fatalf("diagnostics %v", diags)
	}
	var got, want []string
	for _, k := range keys {
		got = append(got, k.admin.ID)
	}
	for _, k := range admin {
		want = append(want, k.ID)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("admin keys %v, want %v: the archived project's keys are not admin keys", got, want)
	}
	if n := srv.CountRequests("/organization/projects/proj_old/api_keys"); n != 1 {
		t.Fatalf("the archived project's keys were listed %d times, want once", n)
	}
}

// Cancelling the read stops every project sweep at once, and no more than
// four run together.
func TestAllAPIKeysStopsOnCancel(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(1_800_000_000, 0))
	srv := openaitest.NewServer(openaitest.Options{Clock: clock})
	t.Cleanup(srv.Close)
	srv.SeedProjects(12, func(int) int { return 3 })
	// The gate never opens: every project sweep hangs there.
	gate := openaitest.NewGate()
	srv.Inject(openaitest.Fault{Kind: openaitest.FaultLatency, Path: "/organization/projects/proj_", Times: 100, Gate: gate})

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
	<-gate.Arrivals(projectSweepConcurrency)
	cancel()
	<-done
	if keys != nil || len(errs) != 1 || errs[0] != "OpenAI Admin API Request Cancelled" {
		t.Fatalf("got %d keys and errors %v, want none and one cancellation", len(keys), errs)
	}
	n := 0
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/api_keys") {
			n++
		}
	}
	if n != projectSweepConcurrency {
		t.Fatalf("%d project sweeps started, want the %d in flight when the read was cancelled", n, projectSweepConcurrency)
	}
	// Nobody waits for the sweeps any more: each is stopped, and its request
	// abandoned.
	<-gate.Abandoned()
}

// A read of openai_project_api_keys that joined a sweep started by
// openai_api_keys is not failed when openai_api_keys gives up. The setup is
// the one that showed it: openai_api_keys in a check block, where its error is
// a warning, one project answering 403, and eleven healthy projects read by
// openai_project_api_keys. Gates on the fake order the events that timing
// only sometimes produced: openai_api_keys starts proj_0001's sweep, the
// healthy read of proj_0001 joins it, proj_0000's 403 fails openai_api_keys,
// and only then does proj_0001 answer.
func TestAccSharedSweepOutlivesAFailedRead(t *testing.T) {
	// Parallel first, so that the deadline below counts from when the test
	// runs, not from before it waited for the serial tests.
	t.Parallel()
	f := newAccFixture(t, openaitest.Options{})
	admin := f.srv.SeedAdminKeys(3)
	projects, keys := f.srv.SeedProjects(18, func(int) int { return 3 })
	const failing, joined = "proj_0000", "proj_0001"
	var healthy []string
	reads := ""
	for _, p := range projects {
		if p.Status == "active" && p.ID != failing {
			healthy = append(healthy, p.ID)
			reads += fmt.Sprintf(`
data "openai_project_api_keys" %q {
  project_id = %q
  depends_on = [data.openai_admin_api_key.gate]
}
`, p.ID, p.ID)
		}
	}
	if len(healthy) != 11 {
		t.Fatalf("%d healthy active projects, want 11", len(healthy))
	}

	// gateJoined holds proj_0001's keys; gateReads holds the read that the
	// healthy reads depend on, until openai_api_keys has started
	// proj_0001's sweep; gateFailure holds proj_0000's 403.
	gateJoined, gateReads, gateFailure := openaitest.NewGate(), openaitest.NewGate(), openaitest.NewGate()
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultLatency, Path: "/organization/projects/" + joined + "/api_keys", Gate: gateJoined})
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultLatency, Path: "/organization/admin_api_keys/" + admin[0].ID, Gate: gateReads})
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 403, Path: "/organization/projects/" + failing + "/api_keys",
		Times: 100, Message: "Project " + failing + " is restricted.", Gate: gateFailure})

	joinedKey := joined + "\x00" + client.OwnerProjectAccessAny
	var joinOnce, leaveOnce sync.Once
	joinedSweep, leftSweep := make(chan struct{}), make(chan struct{})
	f.observeSweeps = func(key string, e sweepEvent) {
		switch {
		case key != joinedKey:
		case e == sweepJoined:
			joinOnce.Do(func() { close(joinedSweep) })
		case e == sweepLeft:
			leaveOnce.Do(func() { close(leftSweep) })
		}
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		// A deadline, not a wait: if the events never come, every gate
		// opens so that the plan ends and the test fails.
		deadline := time.After(2 * time.Minute)
		step := func(what string, ch <-chan struct{}) bool {
			select {
			case <-ch:
				t.Logf("%s: %s", time.Now().Format("15:04:05.000"), what)
				return true
			case <-done:
			case <-deadline:
				t.Errorf("gave up waiting until %s", what)
			}
			return false
		}
		defer gateJoined.Open()
		defer gateFailure.Open()
		defer gateReads.Open()
		if !step("openai_api_keys started the sweep of "+joined, gateJoined.Arrived()) {
			return
		}
		gateReads.Open()
		if !step("openai_project_api_keys joined it", joinedSweep) {
			return
		}
		gateFailure.Open()
		// openai_api_keys leaves the sweep; before the fix, the sweep was
		// cancelled with it and its request abandoned.
		select {
		case <-leftSweep:
			t.Logf("%s: left", time.Now().Format("15:04:05.000"))
		case <-gateJoined.Abandoned():
			t.Logf("%s: abandoned", time.Now().Format("15:04:05.000"))
		case <-done:
		case <-deadline:
			t.Error("gave up waiting until openai_api_keys left the sweep")
		}
	}()

	var ids []knownvalue.Check
	for _, k := range keys[joined] {
		ids = append(ids, knownvalue.StringExact(k.ID))
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(fmt.Sprintf(`
check "inventory" {
  data "openai_api_keys" "all" {}

  assert {
    condition     = length(data.openai_api_keys.all.ids) > 0
    error_message = "The organization has no API keys."
  }
}

# The client sends one request until the API has answered one: the gated
# read goes after the admin keys, which openai_api_keys lists first.
data "openai_admin_api_keys" "all" {}

data "openai_admin_api_key" "gate" {
  id         = %q
  depends_on = [data.openai_admin_api_keys.all]
}
%s`, admin[0].ID, reads)),
			// The check block's data source is read again at apply.
			ExpectNonEmptyPlan: true,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_project_api_keys."+joined, tfjsonpath.New("ids"), knownvalue.ListExact(ids)),
			},
		}},
	})
	select {
	case <-leftSweep:
	default:
		t.Error("openai_api_keys never left the sweep of " + joined + ": the events this test orders did not happen")
	}
}
