package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// The next page starts after the last element's id, whatever last_id says:
// the schema makes last_id optional and nullable.
func TestEveryListPagesPastNullOrAbsentLastID(t *testing.T) {
	for _, ids := range []struct {
		name string
		v    openaitest.ListIDs
	}{{"set", openaitest.ListIDsSet}, {"null", openaitest.ListIDsNull}, {"omitted", openaitest.ListIDsOmitted}} {
		t.Run(ids.name, func(t *testing.T) {
			f := newFixture(t, openaitest.Options{ListIDs: ids.v})
			ctx := context.Background()
			f.srv.SeedAdminKeys(250)
			f.srv.SeedProjects(150, func(i int) int { return map[int]int{0: 150}[i] })

			keys, err := f.c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{})
			if err != nil || len(keys) != 250 {
				t.Fatalf("admin keys: %d, %v; want 250", len(keys), err)
			}
			projects, err := f.c.ListProjects(ctx, client.ListProjectsOptions{IncludeArchived: true})
			if err != nil || len(projects) != 150 {
				t.Fatalf("projects: %d, %v; want 150", len(projects), err)
			}
			projectKeys, err := f.c.ListProjectAPIKeys(ctx, "proj_0000", client.ListProjectAPIKeysOptions{OwnerProjectAccess: client.OwnerProjectAccessAny})
			if err != nil || len(projectKeys) != 150 {
				t.Fatalf("project keys: %d, %v; want 150", len(projectKeys), err)
			}
			// 3 + 2 + 2 pages: the floor.
			if n := len(f.srv.Requests()); n != 7 {
				t.Errorf("%d requests, want 7", n)
			}
		})
	}
}

// A last_id that disagrees with the last element is noted, not followed.
func TestListFollowsTheLastElementNotLastID(t *testing.T) {
	var afters []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		after := r.URL.Query().Get("after")
		afters = append(afters, after)
		switch after {
		case "":
			_, _ = fmt.Fprint(w, `{"object":"list","data":[{"id":"proj_a","created_at":1},{"id":"proj_b","created_at":2}],"first_id":"proj_a","last_id":"proj_zzz","has_more":true}`)
		case "proj_b":
			_, _ = fmt.Fprint(w, `{"object":"list","data":[{"id":"proj_c","created_at":3}],"has_more":false}`)
		default:
			http.Error(w, `{"error":{"message":"bad cursor"}}`, http.StatusBadRequest)
		}
	}))
	t.Cleanup(srv.Close)
	log := &recordingLogger{}
	c, err := client.New(client.Config{AdminKey: "sk-admin-test", BaseURL: srv.URL, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	projects, err := c.ListProjects(context.Background(), client.ListProjectsOptions{})
	if err != nil || len(projects) != 3 {
		t.Fatalf("got %d projects, %v; want 3", len(projects), err)
	}
	if strings.Join(afters, ",") != ",proj_b" {
		t.Errorf("cursors sent %q, want \"\" then proj_b", afters)
	}
	if log.count("warn") != 1 {
		t.Errorf("%d warnings, want one about last_id", log.count("warn"))
	}
}

// The schema requires created_at: without it a key would date from 1970.
func TestMissingCreatedAtFailsTheList(t *testing.T) {
	for _, path := range []string{"/organization/admin_api_keys", "/organization/projects", "/organization/projects/proj_0000/api_keys"} {
		t.Run(path, func(t *testing.T) {
			f := newFixture(t, openaitest.Options{})
			f.srv.SeedAdminKeys(5)
			f.srv.SeedProjects(3, func(int) int { return 5 })
			f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultOmitCreatedAt, Path: path})
			ctx := context.Background()
			var err error
			switch path {
			case "/organization/admin_api_keys":
				_, err = f.c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{})
			case "/organization/projects":
				_, err = f.c.ListProjects(ctx, client.ListProjectsOptions{})
			default:
				_, err = f.c.ListProjectAPIKeys(ctx, "proj_0000", client.ListProjectAPIKeysOptions{})
			}
			var decErr *client.DecodeError
			if !errors.As(err, &decErr) || !strings.Contains(err.Error(), "has no created_at, which the API schema requires") || decErr.RequestID == "" {
				t.Fatalf("got %v, want a DecodeError naming created_at, with a request id", err)
			}
		})
	}
}

// Responses off the schema still read as null, never as "" or 0, and fields
// the schema does not name are ignored.
func TestOffSchemaResponsesKeepNulls(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, openaitest.Options{UnknownFields: true})
	f.srv.SeedAdminKeys(3)
	f.srv.SeedProjects(1, func(int) int { return 6 })

	keys, err := f.c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{})
	if err != nil || len(keys) != 3 {
		t.Fatalf("unknown fields: %d keys, %v", len(keys), err)
	}

	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultNullNames, Path: "/organization/projects/"})
	projectKeys, err := f.c.ListProjectAPIKeys(ctx, "proj_0000", client.ListProjectAPIKeysOptions{OwnerProjectAccess: client.OwnerProjectAccessAny})
	if err != nil || len(projectKeys) != 6 {
		t.Fatalf("null names: %d keys, %v", len(projectKeys), err)
	}
	for _, k := range projectKeys {
		a := k.Owner.Actor()
		if k.Name != nil || a == nil || a.Name != nil || a.Email != nil {
			t.Fatalf("key %s: name %v, owner %+v; want null names and email", k.ID, k.Name, a)
		}
	}

	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultOmitOwnerDetails, Path: "/organization/"})
	keys, err = f.c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		o := k.Owner
		if o.Type != nil || o.Object != nil || o.ID != nil || o.Name != nil || o.Role != nil || o.CreatedAt != nil {
			t.Fatalf("admin key %s: owner %+v from an empty owner object, want all nil", k.ID, o)
		}
	}
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultOmitOwnerDetails, Path: "/organization/"})
	projectKeys, err = f.c.ListProjectAPIKeys(ctx, "proj_0000", client.ListProjectAPIKeysOptions{OwnerProjectAccess: client.OwnerProjectAccessAny})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range projectKeys {
		if k.Owner.Actor() != nil || k.Owner.Type == nil {
			t.Fatalf("project key %s: owner %+v, want its type and no details", k.ID, k.Owner)
		}
	}
}

// A page without the data or has_more the schema requires is an error, not
// the end of the list.
func TestPageWithoutDataOrHasMoreFails(t *testing.T) {
	for name, body := range map[string]string{
		"no has_more":    `{"object":"list","data":[{"id":"proj_a","created_at":1}]}`,
		"null has_more":  `{"object":"list","data":[{"id":"proj_a","created_at":1}],"has_more":null}`,
		"no data":        `{"object":"list","has_more":false}`,
		"null data":      `{"object":"list","data":null,"has_more":false}`,
		"empty and done": `{"object":"list","data":[],"has_more":false}`,
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = fmt.Fprint(w, body)
			}))
			t.Cleanup(srv.Close)
			c, err := client.New(client.Config{AdminKey: "sk-admin-test", BaseURL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			projects, err := c.ListProjects(context.Background(), client.ListProjectsOptions{})
			var decErr *client.DecodeError
			switch {
			case name == "empty and done":
				if err != nil || len(projects) != 0 {
					t.Fatalf("got %v, %v; want an empty list", projects, err)
				}
			case !errors.As(err, &decErr) || !strings.Contains(err.Error(), "no data or no has_more"):
				t.Fatalf("got %d projects, %v; want a DecodeError", len(projects), err)
			}
		})
	}
}
