package client_test

import (
	"context"
	"testing"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

func TestListUsers(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	seeded := f.srv.SeedUsers(230)

	users, err := f.c.ListUsers(context.Background(), client.ListUsersOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 230 {
		t.Fatalf("got %d users, want 230", len(users))
	}
	var nullNames, noFlags, neverUsed int
	for i, u := range users {
		s := seeded[i]
		if u.ID != s.ID || u.Object != "organization.user" || u.AddedAt != s.AddedAt || !eqPtr(u.Name, s.Name) || !eqPtr(u.Email, s.Email) ||
			!eqPtr(u.Role, s.Role) || !eqPtr(u.IsServiceAccount, s.IsServiceAccount) || !eqPtr(u.IsSCIMManaged, s.IsSCIMManaged) ||
			!eqPtr(u.APIKeyLastUsedAt, s.APIKeyLastUsedAt) {
			t.Fatalf("user %d = %+v, want %+v", i, u, s)
		}
		if u.Name == nil {
			nullNames++
		}
		if u.IsServiceAccount == nil {
			noFlags++
		}
		if u.APIKeyLastUsedAt == nil {
			neverUsed++
		}
	}
	// Absent flags stay nil (unknown, not false), and never used is nil, never 0.
	if nullNames == 0 || noFlags == 0 || neverUsed == 0 {
		t.Errorf("nulls: %d names, %d flags, %d last uses; the seeded users have some of each", nullNames, noFlags, neverUsed)
	}
	reqs := f.srv.Requests()
	if len(reqs) != 3 || reqs[0].Path != "/organization/users" || reqs[1].Query.Get("after") != seeded[99].ID ||
		reqs[2].Query.Get("after") != seeded[199].ID || reqs[0].Query.Get("limit") != "100" {
		t.Errorf("requests %v, want 3 of limit=100, each after the last user of the page before", reqs)
	}
}
