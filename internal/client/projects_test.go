package client_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

func TestListProjects(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	projects, _ := f.srv.SeedProjects(250, func(int) int { return 0 })

	all, err := f.c.ListProjects(context.Background(), client.ListProjectsOptions{IncludeArchived: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 250 || all[0].ID != projects[0].ID || all[249].ID != projects[249].ID {
		t.Fatalf("got %d projects, want all 250 in order", len(all))
	}
	for i, p := range all {
		want := projects[i]
		if !eqPtr(p.Status, &want.Status) || !eqPtr(p.ArchivedAt, want.ArchivedAt) || !eqPtr(p.Name, want.Name) || p.Object != "organization.project" ||
			!eqPtr(p.ExternalKeyID, want.ExternalKeyID) || !eqPtr(p.Residency, &want.Residency) {
			t.Fatalf("project %d = %+v, want %+v", i, p, want)
		}
	}
	reqs := f.srv.Requests()
	if len(reqs) != 3 || reqs[1].Query.Get("after") != projects[99].ID || reqs[0].Query.Get("include_archived") != "true" {
		t.Errorf("requests %v, want 3 with after=<last element's id> and include_archived=true", reqs)
	}

	f.srv.ResetRequests()
	active, err := f.c.ListProjects(context.Background(), client.ListProjectsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range active {
		if p.ArchivedAt != nil || *p.Status != "active" {
			t.Fatalf("archived project %s listed without include_archived", p.ID)
		}
	}
	if len(active) != 167 {
		t.Errorf("got %d active projects, want 167", len(active))
	}
	if q := f.srv.Requests()[0].Query.Get("include_archived"); q != "false" {
		t.Errorf("include_archived=%q, want false", q)
	}
}

func TestListProjectAPIKeys(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	_, keys := f.srv.SeedProjects(1, func(int) int { return 250 })
	seeded := keys["proj_0000"]

	got, err := f.c.ListProjectAPIKeys(context.Background(), "proj_0000", client.ListProjectAPIKeysOptions{OwnerProjectAccess: client.OwnerProjectAccessAny})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 250 {
		t.Fatalf("got %d keys, want 250", len(got))
	}
	var users, serviceAccounts, neverUsed, inactive int
	for i, k := range got {
		s := seeded[i]
		actor := k.Owner.Actor()
		if k.ID != s.ID || !eqPtr(k.Name, s.Name) || !eqPtr(k.LastUsedAt, s.LastUsedAt) || !eqPtr(k.OwnerProjectAccess, &s.OwnerProjectAccess) ||
			!eqPtr(k.RedactedValue, &s.RedactedValue) || actor == nil || !eqPtr(actor.ID, &s.Owner.ID) || !eqPtr(actor.Role, &s.Owner.Role) ||
			!eqPtr(actor.Email, s.Owner.Email) || !eqPtr(k.Owner.Type, &s.Owner.Type) {
			t.Fatalf("key %d = %+v (owner %+v), want %+v", i, k, actor, s)
		}
		switch *k.Owner.Type {
		case "user":
			users++
			if actor.Email == nil {
				t.Errorf("user %s has no email", *actor.ID)
			}
		case "service_account":
			serviceAccounts++
			if actor.Email != nil {
				t.Errorf("service account %s has an email", *actor.ID)
			}
		}
		if k.LastUsedAt == nil {
			neverUsed++
		}
		if *k.OwnerProjectAccess == "inactive" {
			inactive++
		}
	}
	if users == 0 || serviceAccounts == 0 || neverUsed == 0 || inactive == 0 {
		t.Fatalf("seed lacks a case: %d users, %d service accounts, %d never used, %d inactive",
			users, serviceAccounts, neverUsed, inactive)
	}
	reqs := f.srv.Requests()
	if len(reqs) != 3 || reqs[0].Path != "/organization/projects/proj_0000/api_keys" || reqs[2].Query.Get("after") != seeded[199].ID {
		t.Errorf("requests %v, want 3 pages of the project's keys", reqs)
	}
	for _, r := range reqs {
		if r.Query.Get("owner_project_access") != "any" || r.Query.Get("limit") != "100" {
			t.Errorf("query %v, want owner_project_access=any limit=100", r.Query)
		}
	}

	active, err := f.c.ListProjectAPIKeys(context.Background(), "proj_0000", client.ListProjectAPIKeysOptions{OwnerProjectAccess: client.OwnerProjectAccessActive})
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != 250-inactive {
		t.Errorf("got %d active keys, want %d", len(active), 250-inactive)
	}

	_, err = f.c.ListProjectAPIKeys(context.Background(), "proj_missing", client.ListProjectAPIKeysOptions{})
	if !client.IsNotFound(err) || client.RequestIDOf(err) == "" {
		t.Errorf("got %v, want a not-found error with a request id", err)
	}
}

func TestMaxRequestsPerMinuteSpacesRequests(t *testing.T) {
	f := newFixture(t, openaitest.Options{}, func(c *client.Config) { c.MaxRequestsPerMinute = 60 })
	f.srv.SeedAdminKeys(450)
	if _, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{}); err != nil {
		t.Fatal(err)
	}
	// Five pages, a second apart plus the 1% margin under the cap.
	if got := f.clock.Slept(); got != 4*1010*time.Millisecond {
		t.Errorf("slept %s, want 4.04s", got)
	}
}

// TestInventorySurvivesTightRateLimit lists every key of 30 projects with ten
// concurrent callers, as Terraform reads data sources, against an API that
// allows 10 requests a minute and answers 429 without hints.
func TestInventorySurvivesTightRateLimit(t *testing.T) {
	f := newFixture(t, openaitest.Options{RateLimitPerMinute: 10}, func(c *client.Config) { c.Jitter = nil })
	projects, keys := f.srv.SeedProjects(30, func(i int) int { return (i * 53) % 251 })
	ctx := context.Background()

	listed, err := f.c.ListProjects(ctx, client.ListProjectsOptions{IncludeArchived: true})
	if err != nil || len(listed) != 30 {
		t.Fatalf("got %d projects, err %v", len(listed), err)
	}
	var (
		mu  sync.Mutex
		got = map[string][]string{}
		wg  sync.WaitGroup
		sem = make(chan struct{}, 10)
	)
	errs := make(chan error, len(projects))
	for _, p := range projects {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ks, err := f.c.ListProjectAPIKeys(ctx, p.ID, client.ListProjectAPIKeysOptions{OwnerProjectAccess: client.OwnerProjectAccessAny})
			if err != nil {
				errs <- fmt.Errorf("project %s: %w", p.ID, err)
				return
			}
			ids := make([]string, len(ks))
			for i, k := range ks {
				ids[i] = k.ID
			}
			mu.Lock()
			got[p.ID] = ids
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	pages := 0
	for _, p := range projects {
		want := make([]string, len(keys[p.ID]))
		for i, k := range keys[p.ID] {
			want[i] = k.ID
		}
		if !slices.Equal(got[p.ID], want) {
			t.Errorf("project %s: got %d keys, want %d exactly once each", p.ID, len(got[p.ID]), len(want))
		}
		pages += max(1, (len(want)+99)/100)
	}
	served := 0
	for _, r := range f.srv.Requests() {
		if r.Status == 200 {
			served++
		}
	}
	if served != pages+1 {
		t.Errorf("%d pages served, want the minimal %d", served, pages+1)
	}
	t.Logf("30 projects, %d pages at 10 requests/minute: %d requests", pages+1, len(f.srv.Requests()))
}
