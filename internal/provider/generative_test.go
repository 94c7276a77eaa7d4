package provider

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

// FuzzListsStayExact builds random lists that follow the API's schema (any
// mix of nulls, absent optional fields, fields the schema does not name,
// unicode, pages of 0 to 100 elements, last_id set, null or absent), serves
// them page by page, and runs them through the client's decoding and paging
// and the provider's mapping. Every id must come back exactly once and in
// order, and every null or absent field must stay null.
func FuzzListsStayExact(f *testing.F) {
	for seed := range uint64(8) {
		f.Add(seed, uint16(seed*37))
	}
	f.Add(uint64(1<<40), uint16(0))
	f.Add(uint64(7), uint16(999))
	f.Fuzz(func(t *testing.T, seed uint64, size uint16) {
		r := rand.New(rand.NewPCG(seed, uint64(size)))
		n := int(size) % 320
		for _, l := range generativeLists {
			t.Run(l.name, func(t *testing.T) { checkGeneratedList(t, r, l, n) })
		}
	})
}

// generativeList is one of the API's lists: how to make a schema-valid
// element, how to read the list with the client, and how each attribute the
// provider maps comes from the element's JSON.
type generativeList struct {
	name string
	elem func(r *rand.Rand, id string, created int64) map[string]any
	read func(ctx context.Context, c *client.Client) ([]tftypes.Value, error)
	// attrs maps an attribute path ("owner.name") to the JSON path it comes
	// from; "{type}" in a JSON path stands for the owner's type.
	attrs map[string]string
}

func mapped[T any](items []T, state listState[T]) []tftypes.Value {
	list, _, err := state.list(items)
	if err != nil {
		panic(err)
	}
	var out []tftypes.Value
	if err := list.As(&out); err != nil {
		panic(err)
	}
	return out
}

var generativeLists = []generativeList{
	{
		name: "admin keys",
		elem: func(r *rand.Rand, id string, created int64) map[string]any {
			return adminKeyElem(r, id, created)
		},
		read: func(ctx context.Context, c *client.Client) ([]tftypes.Value, error) {
			keys, err := c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{})
			return mapped(keys, adminKeysState), err
		},
		attrs: adminKeyAttrs,
	},
	{
		// openai_api_keys' admin branch, on the same elements.
		name: "api keys: admin",
		elem: func(r *rand.Rand, id string, created int64) map[string]any {
			return adminKeyElem(r, id, created)
		},
		read: func(ctx context.Context, c *client.Client) ([]tftypes.Value, error) {
			keys, err := c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{})
			all := make([]anyKey, len(keys))
			for i := range keys {
				all[i] = anyKey{admin: &keys[i]}
			}
			return mapped(all, anyKeysState), err
		},
		// Absent from the JSON, so null in state: the admin branch has no
		// email, project or access; its owner has no object.
		attrs: withAttrs(adminKeyAttrs, map[string]string{"owner.email": "owner.email", "project_id": "project_id",
			"project_name": "project_name", "project_status": "project_status", "owner_project_access": "owner_project_access"}, "owner.object"),
	},
	{
		name: "projects",
		elem: func(r *rand.Rand, id string, created int64) map[string]any {
			e := map[string]any{"object": "organization.project", "id": id, "created_at": created}
			optional(r, e, "name", nullable(r, randomText(r, "")))
			optional(r, e, "archived_at", nullable(r, created+r.Int64N(1e7)))
			optional(r, e, "status", nullable(r, pick(r, "active", "archived")))
			optional(r, e, "external_key_id", nullable(r, randomText(r, "ekm_")))
			optional(r, e, "residency", pick(r, "GLOBAL", "EU_STORAGE_PROCESSING", "JP_STORAGE", "A_REGION_FROM_THE_FUTURE"))
			return e
		},
		read: func(ctx context.Context, c *client.Client) ([]tftypes.Value, error) {
			projects, err := c.ListProjects(ctx, client.ListProjectsOptions{IncludeArchived: true})
			return mapped(projects, projectsState), err
		},
		attrs: map[string]string{
			"name": "name", "status": "status", "created_at": "created_at", "created_at_rfc3339": "created_at",
			"archived_at": "archived_at", "archived_at_rfc3339": "archived_at", "external_key_id": "external_key_id", "residency": "residency",
		},
	},
	{
		name: "project keys",
		elem: projectKeyElem,
		read: func(ctx context.Context, c *client.Client) ([]tftypes.Value, error) {
			keys, err := c.ListProjectAPIKeys(ctx, "proj_fuzz", client.ListProjectAPIKeysOptions{OwnerProjectAccess: client.OwnerProjectAccessAny})
			return mapped(keys, projectKeysState), err
		},
		attrs: projectKeyAttrs,
	},
	{
		// openai_api_keys' project branch, on the same elements, of a
		// project without name or status.
		name: "api keys: project",
		elem: projectKeyElem,
		read: func(ctx context.Context, c *client.Client) ([]tftypes.Value, error) {
			keys, err := c.ListProjectAPIKeys(ctx, "proj_fuzz", client.ListProjectAPIKeysOptions{OwnerProjectAccess: client.OwnerProjectAccessAny})
			of := &client.Project{ID: "proj_fuzz"}
			all := make([]anyKey, len(keys))
			for i := range keys {
				all[i] = anyKey{project: &keys[i], of: of}
			}
			return mapped(all, anyKeysState), err
		},
		attrs: withAttrs(projectKeyAttrs, map[string]string{"expires_at": "expires_at", "expires_at_rfc3339": "expires_at",
			"project_name": "project_name", "project_status": "project_status"}),
	},
	{
		name: "users",
		elem: func(r *rand.Rand, id string, created int64) map[string]any {
			e := map[string]any{"object": "organization.user", "id": id, "added_at": created}
			optional(r, e, "name", nullable(r, randomText(r, "")))
			optional(r, e, "email", nullable(r, randomText(r, "")+"@example.com"))
			optional(r, e, "role", nullable(r, pick(r, "owner", "reader", "a-role-from-the-future")))
			optional(r, e, "is_service_account", r.IntN(2) == 0)
			optional(r, e, "is_scim_managed", r.IntN(2) == 0)
			optional(r, e, "api_key_last_used_at", nullable(r, created+r.Int64N(1e7)))
			return e
		},
		read: func(ctx context.Context, c *client.Client) ([]tftypes.Value, error) {
			users, err := c.ListUsers(ctx, client.ListUsersOptions{})
			return mapped(users, usersState), err
		},
		attrs: map[string]string{
			"name": "name", "email": "email", "role": "role", "added_at": "added_at", "added_at_rfc3339": "added_at",
			"is_service_account": "is_service_account", "is_scim_managed": "is_scim_managed",
			"api_key_last_used_at": "api_key_last_used_at", "api_key_last_used_at_rfc3339": "api_key_last_used_at",
		},
	},
}

// adminKeyElem is a schema-valid admin key, its owner's fields each absent at
// random.
func adminKeyElem(r *rand.Rand, id string, created int64) map[string]any {
	owner := map[string]any{}
	typ := pick(r, "user", "service_account")
	optional(r, owner, "type", typ)
	optional(r, owner, "object", "organization."+typ)
	optional(r, owner, "id", randomText(r, "user_"))
	optional(r, owner, "name", randomText(r, ""))
	optional(r, owner, "created_at", created-r.Int64N(1e6))
	optional(r, owner, "role", pick(r, "owner", "member", "reader"))
	e := map[string]any{
		"object": "organization.admin_api_key", "id": id, "name": nullable(r, randomText(r, "")),
		"redacted_value": randomText(r, "sk-admin..."), "created_at": created,
		"last_used_at": nullable(r, created+r.Int64N(1e7)), "owner": owner,
	}
	optional(r, e, "expires_at", nullable(r, created+r.Int64N(1e8)))
	return e
}

var adminKeyAttrs = map[string]string{
	"name": "name", "redacted_value": "redacted_value", "created_at": "created_at", "created_at_rfc3339": "created_at",
	"last_used_at": "last_used_at", "last_used_at_rfc3339": "last_used_at", "expires_at": "expires_at", "expires_at_rfc3339": "expires_at",
	"owner.type": "owner.type", "owner.object": "owner.object", "owner.id": "owner.id", "owner.name": "owner.name",
	"owner.created_at": "owner.created_at", "owner.role": "owner.role",
}

// projectKeyElem is a schema-valid project key of a user or a service
// account.
func projectKeyElem(r *rand.Rand, id string, created int64) map[string]any {
	typ := pick(r, "user", "service_account")
	actor := map[string]any{
		"id": randomText(r, "user_"), "name": randomText(r, ""), "created_at": created - r.Int64N(1e6), "role": pick(r, "owner", "member"),
	}
	if typ == "user" {
		actor["email"] = randomText(r, "") + "@example.com"
	}
	return map[string]any{
		"object": "organization.project.api_key", "id": id, "name": randomText(r, ""),
		"redacted_value": randomText(r, "sk-"), "created_at": created, "last_used_at": nullable(r, created+r.Int64N(1e7)),
		"owner_project_access": pick(r, "active", "inactive"),
		"owner":                map[string]any{"type": typ, typ: actor},
	}
}

var projectKeyAttrs = map[string]string{
	"name": "name", "redacted_value": "redacted_value", "created_at": "created_at", "created_at_rfc3339": "created_at",
	"last_used_at": "last_used_at", "last_used_at_rfc3339": "last_used_at", "owner_project_access": "owner_project_access",
	"owner.type": "owner.type", "owner.id": "owner.{type}.id", "owner.name": "owner.{type}.name", "owner.email": "owner.{type}.email",
	"owner.role": "owner.{type}.role", "owner.created_at": "owner.{type}.created_at",
}

// withAttrs is base with extra added and drop left out.
func withAttrs(base, extra map[string]string, drop ...string) map[string]string {
	out := maps.Clone(base)
	maps.Copy(out, extra)
	for _, name := range drop {
		delete(out, name)
	}
	return out
}

func checkGeneratedList(t *testing.T, r *rand.Rand, l generativeList, n int) {
	// n elements with distinct ids, created in order.
	elems := make([]map[string]any, n)
	created := int64(1_600_000_000)
	for i := range elems {
		created += 1 + r.Int64N(86400)
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], r.Uint64())
		elems[i] = l.elem(r, fmt.Sprintf("id_%d_%x", i, b), created)
		if r.IntN(4) == 0 {
			elems[i]["x_unknown_"+randomText(r, "")] = map[string]any{"nested": []any{1, "ü", nil}}
		}
	}
	// Split them into pages of 1 to 100, and a last one of 0 to 100.
	pages := map[string][]byte{}
	after := ""
	for start := 0; ; {
		size := 1 + r.IntN(100)
		last := start+size >= n
		if last {
			size = n - start
		}
		page := map[string]any{"object": "list", "data": elems[start : start+size], "has_more": !last}
		if size > 0 && r.IntN(2) == 0 {
			page["first_id"], page["last_id"] = elems[start]["id"], elems[start+size-1]["id"]
		} else if r.IntN(2) == 0 {
			page["first_id"], page["last_id"] = nil, nil
		}
		if r.IntN(4) == 0 {
			page["x_envelope_extra"] = "☃"
		}
		body, err := json.Marshal(page)
		if err != nil {
			t.Fatal(err)
		}
		pages[after] = body
		if last {
			break
		}
		start += size
		after = elems[start-1]["id"].(string)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, ok := pages[req.URL.Query().Get("after")]
		if !ok {
			http.Error(w, `{"error":{"message":"unknown cursor"}}`, http.StatusBadRequest)
			return
		}
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c, err := client.New(client.Config{AdminKey: "sk-admin-fuzz", BaseURL: srv.URL, MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	values, err := l.read(context.Background(), c)
	if err != nil {
		t.Fatalf("%d elements in %d pages: %v", n, len(pages), err)
	}
	if len(values) != n {
		t.Fatalf("%d elements in %d pages came back as %d", n, len(pages), len(values))
	}
	for i, v := range values {
		obj := attributes(t, v)
		if got := asString(t, obj["id"]); got != elems[i]["id"] {
			t.Fatalf("element %d: id %q, want %q (ids must come once each, in order)", i, got, elems[i]["id"])
		}
		for attr, jsonPath := range l.attrs {
			got := obj[attr]
			if before, after, ok := strings.Cut(attr, "."); ok {
				got = attributes(t, obj[before])[after]
			}
			want, present := lookup(elems[i], jsonPath)
			switch {
			case !present || want == nil:
				if !got.IsNull() {
					t.Fatalf("element %d: %s is null or absent in the API's JSON but %v in state", i, attr, got)
				}
			case got.IsNull():
				t.Fatalf("element %d: %s is %v in the API's JSON but null in state", i, attr, want)
			case strings.HasSuffix(attr, "_rfc3339"):
			case got.Type().Is(tftypes.Bool):
				var b bool
				if err := got.As(&b); err != nil {
					t.Fatal(err)
				}
				if b != want.(bool) {
					t.Fatalf("element %d: %s = %v, want %v", i, attr, b, want)
				}
			case got.Type().Is(tftypes.Number):
				var f big.Float
				if err := got.As(&f); err != nil {
					t.Fatal(err)
				}
				if n, _ := f.Int64(); n != want.(int64) {
					t.Fatalf("element %d: %s = %d, want %d", i, attr, n, want)
				}
			default:
				if s := asString(t, got); s != want {
					t.Fatalf("element %d: %s = %q, want %q", i, attr, s, want)
				}
			}
		}
	}
}

func attributes(t *testing.T, v tftypes.Value) map[string]tftypes.Value {
	t.Helper()
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func asString(t *testing.T, v tftypes.Value) string {
	t.Helper()
	var s string
	if err := v.As(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// lookup follows a dotted JSON path; "{type}" is the owner's type.
func lookup(obj map[string]any, path string) (any, bool) {
	var cur any = obj
	for _, part := range strings.Split(path, ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if part == "{type}" {
			part, _ = m["type"].(string)
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func pick(r *rand.Rand, choices ...string) string { return choices[r.IntN(len(choices))] }

// nullable is v or, one time in three, null.
func nullable[T any](r *rand.Rand, v T) any {
	if r.IntN(3) == 0 {
		return nil
	}
	return v
}

// optional sets obj[name] to v, or leaves it out one time in three.
func optional(r *rand.Rand, obj map[string]any, name string, v any) {
	if r.IntN(3) != 0 {
		obj[name] = v
	}
}

// randomText is prefix and up to 12 runes of ASCII, accents, CJK, emoji,
// quotes, escapes and line separators.
func randomText(r *rand.Rand, prefix string) string {
	const alphabet = `abcXYZ019 -_"\/éüß日本語🔑🚀` + "\t\n\u2028\u2029\u00a0"
	runes := []rune(alphabet)
	var b strings.Builder
	b.WriteString(prefix)
	for range r.IntN(13) {
		b.WriteRune(runes[r.IntN(len(runes))])
	}
	return b.String()
}
