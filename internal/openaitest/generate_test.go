package openaitest

import (
	"reflect"
	"testing"
	"time"
	"unicode/utf8"
)

func TestGenerateAdminKeys(t *testing.T) {
	const n = 2000
	keys := GenerateAdminKeys(n, 42)
	if len(keys) != n {
		t.Fatalf("%d keys, want %d", len(keys), n)
	}
	if !reflect.DeepEqual(keys, GenerateAdminKeys(n, 42)) {
		t.Fatal("same seed gave different keys")
	}
	if reflect.DeepEqual(keys, GenerateAdminKeys(n, 43)) {
		t.Fatal("different seeds gave the same keys")
	}
	seen := map[string]bool{}
	var sa, nilName, nonASCII, neverUsed, neverExpires int
	roles := map[string]bool{}
	sorted := true
	for i, k := range keys {
		if seen[k.ID] {
			t.Fatalf("duplicate id %s", k.ID)
		}
		seen[k.ID] = true
		if i > 0 {
			if k.CreatedAt <= keys[i-1].CreatedAt {
				t.Fatalf("created_at not strictly increasing at %d", i)
			}
			sorted = sorted && k.ID > keys[i-1].ID
		}
		switch k.Owner.Type {
		case "service_account":
			sa++
			if k.Owner.Object != "organization.service_account" {
				t.Fatalf("service account object %q", k.Owner.Object)
			}
		case "user":
			if k.Owner.Object != "organization.user" {
				t.Fatalf("user object %q", k.Owner.Object)
			}
		default:
			t.Fatalf("owner type %q", k.Owner.Type)
		}
		roles[k.Owner.Role] = true
		if k.Name == nil {
			nilName++
		} else if !isASCII(*k.Name) {
			nonASCII++
		}
		if k.LastUsedAt == nil {
			neverUsed++
		} else if *k.LastUsedAt < k.CreatedAt {
			t.Fatalf("key %d used before it was created", i)
		}
		if k.ExpiresAt == nil {
			neverExpires++
		} else if *k.ExpiresAt <= k.CreatedAt {
			t.Fatalf("key %d expires before it was created", i)
		}
		if len(k.Extra) > 0 {
			t.Fatalf("key %d has fields the schema does not name; those belong to Options.UnknownFields", i)
		}
		if k.Owner.CreatedAt > k.CreatedAt || k.RedactedValue == "" || k.Owner.ID == "" {
			t.Fatalf("key %d: %+v", i, k)
		}
	}
	if sorted {
		t.Error("ids sort in creation order; clients must not rely on that, so the fake should not")
	}
	for name, c := range map[string]struct{ got, want int }{
		"service accounts": {sa, n / 3},
		"nil names":        {nilName, n / 7},
		"never used":       {neverUsed, n / 5},
		"never expiring":   {neverExpires, n / 2},
	} {
		if c.got < c.want-1 || c.got > c.want+1 {
			t.Errorf("%s: %d, want about %d", name, c.got, c.want)
		}
	}
	if nonASCII == 0 {
		t.Error("no non-ASCII names")
	}
	if !roles["owner"] || !roles["member"] || !roles["reader"] {
		t.Errorf("roles %v, want owner, member and reader", roles)
	}
	if len(GenerateAdminKeys(0, 1)) != 0 {
		t.Error("GenerateAdminKeys(0) not empty")
	}
}

func TestGenerateAdminKeys100k(t *testing.T) {
	keys := GenerateAdminKeys(100_000, 1)
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		seen[k.ID] = true
	}
	if len(seen) != 100_000 {
		t.Fatalf("%d unique ids, want 100000", len(seen))
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func TestGenerateProjectKeys(t *testing.T) {
	keys := GenerateProjectKeys("proj_a", 120, 1)
	if !reflect.DeepEqual(keys, GenerateProjectKeys("proj_a", 120, 1)) {
		t.Fatal("not deterministic")
	}
	other := GenerateProjectKeys("proj_b", 120, 1)
	var neverUsed, inactive, sa int
	for i, k := range keys {
		if k.ID == other[i].ID {
			t.Fatalf("projects share key id %s", k.ID)
		}
		if i > 0 && k.CreatedAt <= keys[i-1].CreatedAt {
			t.Fatalf("created_at not increasing at %d", i)
		}
		if k.LastUsedAt == nil {
			neverUsed++
		}
		if k.OwnerProjectAccess == "inactive" {
			inactive++
		} else if k.OwnerProjectAccess != "active" {
			t.Fatalf("access %q", k.OwnerProjectAccess)
		}
		if k.Name == nil {
			t.Fatalf("key %d has a null name, which the schema does not allow", i)
		}
		switch k.Owner.Type {
		case "service_account":
			sa++
			if k.Owner.Email != nil {
				t.Fatalf("service account with email")
			}
		case "user":
			if k.Owner.Email == nil {
				t.Fatalf("user without the email the schema requires")
			}
		default:
			t.Fatalf("owner type %q", k.Owner.Type)
		}
	}
	if neverUsed != 30 || inactive != 20 || sa != 40 {
		t.Fatalf("never used %d, inactive %d, service accounts %d", neverUsed, inactive, sa)
	}
}

func TestSampleOrganization(t *testing.T) {
	keys, projects, projectKeys := SampleOrganization()
	now := time.Now().Unix()
	var neverUsed, stale, neverExpires, users, nilName int
	for i, k := range keys {
		if i > 0 && k.CreatedAt <= keys[i-1].CreatedAt {
			t.Errorf("sample keys not in creation order at %d", i)
		}
		switch {
		case k.LastUsedAt == nil:
			neverUsed++
		case now-*k.LastUsedAt > 90*day:
			stale++
		}
		if k.ExpiresAt == nil {
			neverExpires++
		}
		if k.Owner.Type == "user" {
			users++
		}
		if k.Name == nil {
			nilName++
		}
	}
	if len(keys) != 9 || neverUsed != 1 || stale != 1 || neverExpires != 1 || users != 2 || nilName != 1 {
		t.Errorf("%d keys: never used %d, stale %d, never expiring %d, user-owned %d, unnamed %d",
			len(keys), neverUsed, stale, neverExpires, users, nilName)
	}
	archived := 0
	for _, p := range projects {
		if p.Status == "archived" {
			archived++
		}
		if len(projectKeys[p.ID]) < 2 {
			t.Errorf("project %s has %d keys", p.ID, len(projectKeys[p.ID]))
		}
	}
	if len(projects) != 3 || archived != 1 {
		t.Errorf("%d projects, %d archived", len(projects), archived)
	}

	s := newServer(t, Options{})
	s.LoadSampleOrganization()
	if got := listAll(t, s, adminKeysPath, nil); len(got) != 9 {
		t.Errorf("served %d sample keys", len(got))
	}
	if got := listAll(t, s, "/organization/users", nil); len(got) != len(SampleUsers()) {
		t.Errorf("served %d sample users, want %d", len(got), len(SampleUsers()))
	}
	if got := listAll(t, s, "/organization/projects", nil); len(got) != 2 {
		t.Errorf("served %d active sample projects", len(got))
	}
}
