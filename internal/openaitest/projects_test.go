package openaitest

import (
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
