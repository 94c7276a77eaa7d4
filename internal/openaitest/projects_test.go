package openaitest

import (
	"maps"
	"net/http"
	"net/url"
	"slices"
	"testing"
)

func TestListProjectsIncludeArchived(t *testing.T) {
	s := newServer(t, Options{})
	for i, name := range []string{"a", "b", "c", "d", "e"} {
		p := Project{ID: "proj_" + name, Name: ptr(name), CreatedAt: int64(100 + i)}
		if i%2 == 1 {
			p.ArchivedAt = ptr(int64(1000))
		}
		s.AddProject(p, nil)
	}
	if got := listAll(t, s, "/organization/projects", url.Values{"limit": {"1"}}); !slices.Equal(got, []string{"proj_a", "proj_c", "proj_e"}) {
		t.Errorf("default listing %v, want active projects only", got)
	}
	if got := listAll(t, s, "/organization/projects", url.Values{"limit": {"2"}, "include_archived": {"false"}}); !slices.Equal(got, []string{"proj_a", "proj_c", "proj_e"}) {
		t.Errorf("include_archived=false %v", got)
	}
	all := listAll(t, s, "/organization/projects", url.Values{"limit": {"2"}, "include_archived": {"true"}})
	if !slices.Equal(all, []string{"proj_a", "proj_b", "proj_c", "proj_d", "proj_e"}) {
		t.Errorf("include_archived=true %v", all)
	}
	// after may name a hidden project: listing resumes after it.
	p := decodeList(t, get(t, s, "/organization/projects", url.Values{"after": {"proj_b"}}))
	if got := ids(t, p); !slices.Equal(got, []string{"proj_c", "proj_e"}) {
		t.Errorf("after an archived project: %v", got)
	}
	p = decodeList(t, get(t, s, "/organization/projects", url.Values{"include_archived": {"true"}, "limit": {"2"}}))
	b := object(t, p.Data[1])
	if b["object"] != "organization.project" || b["status"] != "archived" || b["archived_at"] != float64(1000) || b["name"] != "b" || b["created_at"] != float64(101) {
		t.Errorf("archived project %s", p.Data[1])
	}
	if a := object(t, p.Data[0]); a["status"] != "active" {
		t.Errorf("active project %s", p.Data[0])
	} else if v, ok := a["archived_at"]; !ok || v != nil {
		t.Errorf("active project archived_at %v present %v, want null", v, ok)
	}
	r := get(t, s, "/organization/projects", url.Values{"include_archived": {"maybe"}})
	if e := decodeEnvelope(t, r, http.StatusBadRequest); str(e.Error.Param) != "include_archived" {
		t.Errorf("bad include_archived: %s", r.body)
	}
	r = get(t, s, "/organization/projects/proj_d", nil)
	if r.status != http.StatusOK || object(t, r.body)["id"] != "proj_d" {
		t.Errorf("get archived project by id: %d %s", r.status, r.body)
	}
}

func TestAddProjectReplacesByID(t *testing.T) {
	s := newServer(t, Options{})
	s.AddProject(Project{ID: "proj_a", Name: ptr("old"), CreatedAt: 5}, nil)
	s.AddProject(Project{ID: "proj_b", Name: ptr("b"), CreatedAt: 1}, nil)
	s.AddProject(Project{ID: "proj_a", Name: ptr("new"), CreatedAt: 5}, nil)
	p := decodeList(t, get(t, s, "/organization/projects", nil))
	if got := ids(t, p); !slices.Equal(got, []string{"proj_b", "proj_a"}) || object(t, p.Data[1])["name"] != "new" {
		t.Fatalf("projects %s", get(t, s, "/organization/projects", nil).body)
	}
}

func TestListProjectKeysOwnerProjectAccess(t *testing.T) {
	s := newServer(t, Options{})
	keys := GenerateProjectKeys("proj_x", 60, 7)
	s.AddProject(Project{ID: "proj_x", Name: ptr("X")}, keys)
	var active, inactive, every []string
	for _, k := range keys {
		every = append(every, k.ID)
		if k.OwnerProjectAccess == "inactive" {
			inactive = append(inactive, k.ID)
		} else {
			active = append(active, k.ID)
		}
	}
	if len(inactive) == 0 || len(active) == 0 {
		t.Fatal("generated keys lack a mix of access")
	}
	path := "/organization/projects/proj_x/api_keys"
	for _, tc := range []struct {
		access string
		want   []string
	}{{"", active}, {"active", active}, {"inactive", inactive}, {"any", every}} {
		q := url.Values{"limit": {"7"}}
		if tc.access != "" {
			q.Set("owner_project_access", tc.access)
		}
		if got := listAll(t, s, path, q); !slices.Equal(got, tc.want) {
			t.Errorf("owner_project_access=%q: %d keys, want %d", tc.access, len(got), len(tc.want))
		}
	}
	r := get(t, s, path, url.Values{"owner_project_access": {"everyone"}})
	if e := decodeEnvelope(t, r, http.StatusBadRequest); str(e.Error.Param) != "owner_project_access" {
		t.Errorf("bad owner_project_access: %s", r.body)
	}
	r = get(t, s, path+"/"+keys[5].ID, nil)
	if r.status != http.StatusOK || object(t, r.body)["id"] != keys[5].ID {
		t.Errorf("get project key: %d %s", r.status, r.body)
	}
}

func TestProjectKeyJSON(t *testing.T) {
	s := newServer(t, Options{})
	s.AddProject(Project{ID: "proj_j", Name: ptr("J")}, []ProjectKey{
		{ID: "key_u", RedactedValue: "sk-abc...def", CreatedAt: 1, LastUsedAt: ptr(int64(5)),
			Owner: ProjectKeyOwner{Type: "user", ID: "user_1", Name: "Ada", Email: ptr("ada@example.com"), Role: "owner", CreatedAt: 0}},
		{ID: "key_s", Name: ptr("ci"), RedactedValue: "sk-ghi...jkl", CreatedAt: 2, OwnerProjectAccess: "inactive",
			Owner: ProjectKeyOwner{Type: "service_account", ID: "user-sa_1", Name: "bot", Role: "member", CreatedAt: 0}},
	})
	p := decodeList(t, get(t, s, "/organization/projects/proj_j/api_keys", url.Values{"owner_project_access": {"any"}}))
	if len(p.Data) != 2 {
		t.Fatalf("%d keys", len(p.Data))
	}
	u, sa := object(t, p.Data[0]), object(t, p.Data[1])
	if u["object"] != "organization.project.api_key" || u["name"] != nil || u["last_used_at"] != float64(5) || u["owner_project_access"] != "active" || u["redacted_value"] != "sk-abc...def" {
		t.Errorf("user key %s", p.Data[0])
	}
	uo := u["owner"].(map[string]any)
	user, ok := uo["user"].(map[string]any)
	if uo["type"] != "user" || !ok || user["email"] != "ada@example.com" || user["id"] != "user_1" || user["role"] != "owner" || uo["service_account"] != nil {
		t.Errorf("user owner %v", uo)
	}
	if v, ok := sa["last_used_at"]; !ok || v != nil || sa["owner_project_access"] != "inactive" {
		t.Errorf("service account key %s", p.Data[1])
	}
	so := sa["owner"].(map[string]any)
	acct, ok := so["service_account"].(map[string]any)
	if so["type"] != "service_account" || !ok || acct["name"] != "bot" || so["user"] != nil {
		t.Errorf("service account owner %v", so)
	}
	if _, hasEmail := acct["email"]; hasEmail {
		t.Errorf("service account owner has an email: %v", acct)
	}
}

// With AdminListingHoldsProjectKeys, the admin key listing holds every key of
// every project, archived ones included, in creation order among the admin
// keys, each in the admin key's shape; without it, admin keys alone.
func TestAdminListingHoldsProjectKeys(t *testing.T) {
	admin := []AdminKey{
		{ID: "key_admin1", RedactedValue: "sk-admin...aaaa", CreatedAt: 10, Owner: Owner{Type: "user", ID: "user_1", Role: "owner"}},
		{ID: "key_admin2", RedactedValue: "sk-admin...bbbb", CreatedAt: 40, ExpiresAt: ptr(int64(99)), Owner: Owner{Type: "user", ID: "user_1", Role: "owner"}},
	}
	active := []ProjectKey{
		{ID: "key_p1", Name: ptr("p1"), RedactedValue: "sk-proj-...cccc", CreatedAt: 20, LastUsedAt: ptr(int64(25)),
			Owner: ProjectKeyOwner{Type: "user", ID: "user_2", Name: "Grace", Email: ptr("grace@example.com"), Role: "member", CreatedAt: 3}},
	}
	archived := []ProjectKey{
		{ID: "key_p2", Name: ptr("p2"), RedactedValue: "sk-svcac...dddd", CreatedAt: 30, OwnerProjectAccess: "inactive",
			Owner: ProjectKeyOwner{Type: "service_account", ID: "user-sa_1", Name: "bot", Role: "owner", CreatedAt: 4}},
	}
	load := func(s *Server) {
		s.SetAdminKeys(admin)
		s.SetProjects([]Project{{ID: "proj_a", CreatedAt: 1}, {ID: "proj_b", CreatedAt: 2, ArchivedAt: ptr(int64(5))}},
			map[string][]ProjectKey{"proj_a": active, "proj_b": archived})
	}

	only := newServer(t, Options{})
	load(only)
	if got := listAll(t, only, "/organization/admin_api_keys", url.Values{"limit": {"1"}}); !slices.Equal(got, []string{"key_admin1", "key_admin2"}) {
		t.Fatalf("admin keys only: listed %v", got)
	}
	if r := get(t, only, "/organization/admin_api_keys/key_p1", nil); r.status != http.StatusNotFound {
		t.Errorf("admin keys only: a project key by id answered %d", r.status)
	}

	both := newServer(t, Options{AdminListingHoldsProjectKeys: true})
	load(both)
	want := []string{"key_admin1", "key_p1", "key_p2", "key_admin2"}
	if got := listAll(t, both, "/organization/admin_api_keys", url.Values{"limit": {"1"}}); !slices.Equal(got, want) {
		t.Fatalf("with project keys: listed %v, want %v", got, want)
	}
	if got := listAll(t, both, "/organization/admin_api_keys", url.Values{"limit": {"3"}, "order": {"desc"}}); !slices.Equal(got, []string{"key_admin2", "key_p2", "key_p1", "key_admin1"}) {
		t.Fatalf("with project keys, desc: listed %v", got)
	}
	p := decodeList(t, get(t, both, "/organization/admin_api_keys", nil))
	user, sa := object(t, p.Data[1]), object(t, p.Data[2])
	if user["object"] != "organization.admin_api_key" || user["name"] != "p1" || user["redacted_value"] != "sk-proj-...cccc" ||
		user["last_used_at"] != float64(25) || user["expires_at"] != nil || user["created_at"] != float64(20) {
		t.Errorf("a user's project key as listed: %s", p.Data[1])
	}
	wantOwner := map[string]any{"type": "user", "object": "organization.user", "id": "user_2", "name": "Grace", "created_at": float64(3), "role": "member"}
	if !maps.Equal(user["owner"].(map[string]any), wantOwner) {
		t.Errorf("a user's project key's owner: %v, want %v (flat, no email)", user["owner"], wantOwner)
	}
	if o := sa["owner"].(map[string]any); o["type"] != "service_account" || o["object"] != "organization.service_account" || o["id"] != "user-sa_1" || o["role"] != "owner" {
		t.Errorf("a service account's project key's owner: %v", o)
	}
	if r := get(t, both, "/organization/admin_api_keys/key_p2", nil); r.status != http.StatusOK || object(t, r.body)["id"] != "key_p2" {
		t.Errorf("with project keys: a project key by id answered %d %s", r.status, r.body)
	}
	// The project's own listing is unchanged.
	if got := listAll(t, both, "/organization/projects/proj_b/api_keys", url.Values{"owner_project_access": {"any"}}); !slices.Equal(got, []string{"key_p2"}) {
		t.Errorf("proj_b's own listing: %v", got)
	}
	// A project added later joins the listing; one replaced leaves its old keys behind.
	both.AddProject(Project{ID: "proj_a", CreatedAt: 1}, nil)
	if got := listAll(t, both, "/organization/admin_api_keys", nil); !slices.Equal(got, []string{"key_admin1", "key_p2", "key_admin2"}) {
		t.Errorf("after proj_a lost its keys: listed %v", got)
	}
}
