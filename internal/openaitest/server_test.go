package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
)

const adminKeysPath = "/organization/admin_api_keys"

func newServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s := NewServer(opts)
	t.Cleanup(s.Close)
	return s
}

func TestURLEndsInV1(t *testing.T) {
	s := newServer(t, Options{})
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") || !strings.HasSuffix(s.URL(), "/v1") {
		t.Fatalf("URL %q, want http://127.0.0.1:<port>/v1", s.URL())
	}
	if got := NewHandler(Options{}).URL(); got != "" {
		t.Fatalf("URL of a handler-only server %q, want empty", got)
	}
}

func TestListAdminKeysPagesEveryKeyOnce(t *testing.T) {
	s := newServer(t, Options{})
	keys := s.SeedAdminKeys(1234)
	asc := make([]string, len(keys))
	for i, k := range keys {
		asc[i] = k.ID
	}
	desc := slices.Clone(asc)
	slices.Reverse(desc)
	for _, tc := range []struct {
		order, limit string
		want         []string
	}{
		{"", "", asc},
		{"asc", "100", asc},
		{"asc", "7", asc},
		{"desc", "100", desc},
		{"desc", "33", desc},
		{"asc", "1234", nil}, // over 100: refused, checked below.
	} {
		t.Run(tc.order+"/"+tc.limit, func(t *testing.T) {
			q := url.Values{}
			if tc.order != "" {
				q.Set("order", tc.order)
			}
			if tc.limit != "" {
				q.Set("limit", tc.limit)
			}
			if tc.want == nil {
				decodeEnvelope(t, get(t, s, adminKeysPath, q), http.StatusBadRequest)
				return
			}
			got := listAll(t, s, adminKeysPath, q)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("paged %d ids, want %d in %s order", len(got), len(tc.want), tc.order)
			}
		})
	}
}

func TestListAdminKeysPageShape(t *testing.T) {
	s := newServer(t, Options{})
	keys := s.SeedAdminKeys(45)
	p := decodeList(t, get(t, s, adminKeysPath, nil))
	if len(p.Data) != 20 || !p.HasMore {
		t.Fatalf("default page: %d keys, has_more %v; want 20, true", len(p.Data), p.HasMore)
	}
	p = decodeList(t, get(t, s, adminKeysPath, url.Values{"after": {keys[39].ID}, "limit": {"5"}}))
	if got := ids(t, p); !slices.Equal(got, []string{keys[40].ID, keys[41].ID, keys[42].ID, keys[43].ID, keys[44].ID}) || p.HasMore {
		t.Fatalf("exact last page: %v has_more %v", got, p.HasMore)
	}
	p = decodeList(t, get(t, s, adminKeysPath, url.Values{"after": {keys[5].ID}, "order": {"desc"}}))
	if got := ids(t, p); !slices.Equal(got, []string{keys[4].ID, keys[3].ID, keys[2].ID, keys[1].ID, keys[0].ID}) || p.HasMore {
		t.Fatalf("desc after keys[5]: %v has_more %v", got, p.HasMore)
	}
	p = decodeList(t, get(t, s, adminKeysPath, url.Values{"after": {keys[44].ID}}))
	if len(p.Data) != 0 || p.HasMore || p.FirstID != nil || p.LastID != nil {
		t.Fatalf("after the last key: %s", get(t, s, adminKeysPath, url.Values{"after": {keys[44].ID}}).body)
	}

	empty := newServer(t, Options{})
	r := get(t, empty, adminKeysPath, nil)
	if want := `{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":false}`; string(r.body) != want {
		t.Fatalf("empty list body %s, want %s", r.body, want)
	}
}

func TestListAdminKeysUnknownAfterEndsListing(t *testing.T) {
	s := newServer(t, Options{})
	s.SeedAdminKeys(10)
	p := decodeList(t, get(t, s, adminKeysPath, url.Values{"after": {"key_gone"}}))
	if len(p.Data) != 0 || p.HasMore {
		t.Fatalf("unknown after: %d keys, has_more %v; want an empty final page", len(p.Data), p.HasMore)
	}
}

func TestListLimitValidation(t *testing.T) {
	for _, mode := range []string{"", "error", "clamp"} {
		s := newServer(t, Options{LimitOutOfRange: mode})
		s.SeedAdminKeys(150)
		s.AddProject(Project{ID: "proj_a", Name: ptr("A")}, GenerateProjectKeys("proj_a", 150, 1))
		for _, path := range []string{adminKeysPath, "/organization/projects/proj_a/api_keys"} {
			for _, tc := range []struct {
				limit     string
				wantLen   int // 0: want a 400 in this mode.
				wantCode  string
				clampable bool
			}{
				{"", 20, "", true},
				{"1", 1, "", true},
				{"100", 100, "", true},
				{"0", 0, "integer_below_min_value", true},
				{"-3", 0, "integer_below_min_value", true},
				{"101", 0, "integer_above_max_value", true},
				{"99999999999999999999999", 0, "integer_above_max_value", true},
				{"abc", 0, "invalid_type", false},
				{"2.5", 0, "invalid_type", false},
			} {
				name := fmt.Sprintf("%s/%s/limit=%q", mode, path, tc.limit)
				q := url.Values{"owner_project_access": {"any"}}
				if tc.limit != "" {
					q.Set("limit", tc.limit)
				}
				r := get(t, s, path, q)
				if tc.wantLen == 0 && mode == "clamp" && tc.clampable {
					want := 1
					if tc.wantCode == "integer_above_max_value" {
						want = 100
					}
					if p := decodeList(t, r); len(p.Data) != want {
						t.Errorf("%s: %d items, want clamped to %d", name, len(p.Data), want)
					}
					continue
				}
				if tc.wantLen == 0 {
					e := decodeEnvelope(t, r, http.StatusBadRequest)
					if e.Error.Type != "invalid_request_error" || str(e.Error.Param) != "limit" || str(e.Error.Code) != tc.wantCode {
						t.Errorf("%s: envelope %s", name, r.body)
					}
					continue
				}
				if p := decodeList(t, r); len(p.Data) != tc.wantLen {
					t.Errorf("%s: %d items, want %d", name, len(p.Data), tc.wantLen)
				}
			}
		}
	}
}

func TestUnknownLimitModePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("NewHandler accepted LimitOutOfRange \"clip\"")
		}
	}()
	NewHandler(Options{LimitOutOfRange: "clip"})
}

func TestListAdminKeysRejectsUnknownOrder(t *testing.T) {
	s := newServer(t, Options{})
	r := get(t, s, adminKeysPath, url.Values{"order": {"sideways"}})
	e := decodeEnvelope(t, r, http.StatusBadRequest)
	if str(e.Error.Param) != "order" || e.Error.Type != "invalid_request_error" {
		t.Fatalf("envelope %s", r.body)
	}
}

func TestAuth(t *testing.T) {
	s := newServer(t, Options{})
	s.SeedAdminKeys(3)
	wrong := "sk-admin-wrong-4f9d2c7b1e8a6f3d"
	seen := map[string]bool{}
	for _, tc := range []struct {
		name, header string
	}{
		{"missing", ""},
		{"wrong key", "Bearer " + wrong},
		{"lower-case scheme", "bearer " + DefaultAdminKey},
		{"basic scheme", "Basic " + wrong},
		{"bare key", DefaultAdminKey},
		{"empty bearer", "Bearer "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, s, http.MethodGet, adminKeysPath, nil, tc.header)
			e := decodeEnvelope(t, r, http.StatusUnauthorized)
			if e.Error.Type != "invalid_request_error" || str(e.Error.Code) != "invalid_api_key" || e.Error.Param != nil {
				t.Errorf("envelope %s", r.body)
			}
			for _, secret := range []string{wrong, DefaultAdminKey, wrong[:10], DefaultAdminKey[:10]} {
				if strings.Contains(string(r.body), secret) {
					t.Errorf("401 body echoes %q: %s", secret, r.body)
				}
			}
			id := r.header.Get("x-request-id")
			if id == "" || seen[id] {
				t.Errorf("x-request-id %q missing or reused", id)
			}
			seen[id] = true
			if ct := r.header.Get("content-type"); ct != "application/json" {
				t.Errorf("content-type %q", ct)
			}
		})
	}
	if r := do(t, s, http.MethodGet, adminKeysPath, nil, "Bearer "+wrong); !strings.Contains(string(r.body), "Incorrect API key provided: sk-adm****") {
		t.Errorf("wrong-key message does not show the masked prefix: %s", r.body)
	}
	other := newServer(t, Options{AdminKey: "sk-admin-custom"})
	if r := do(t, other, http.MethodGet, adminKeysPath, nil, "Bearer "+DefaultAdminKey); r.status != http.StatusUnauthorized {
		t.Errorf("default key on a server with a custom key: status %d", r.status)
	}
	if r := do(t, other, http.MethodGet, adminKeysPath, nil, "Bearer sk-admin-custom"); r.status != http.StatusOK {
		t.Errorf("custom key: status %d", r.status)
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	s := newServer(t, Options{})
	s.SetAdminKeys([]AdminKey{{ID: "key/with slash", CreatedAt: 1, Owner: Owner{Type: "user"}}})
	s.AddProject(Project{ID: "proj_a", Name: ptr("A")}, nil)
	for _, tc := range []struct {
		method, path string
		status       int
		mention      string
	}{
		{"GET", adminKeysPath + "/key_missing", 404, "key_missing"},
		{"GET", "/organization/projects/proj_missing/api_keys", 404, "proj_missing"},
		{"GET", "/organization/projects/proj_missing", 404, "proj_missing"},
		{"GET", "/organization/projects/proj_a/api_keys/key_missing", 404, "key_missing"},
		{"GET", "/organization/invites", 404, "/v1/organization/invites"},
		{"GET", "/models", 404, "/v1/models"},
		{"GET", adminKeysPath + "/", 404, ""},
		{"POST", adminKeysPath, 405, "POST"},
		{"DELETE", adminKeysPath + "/key_missing", 405, "DELETE"},
		{"PUT", "/organization/projects", 405, "PUT"},
	} {
		r := do(t, s, tc.method, tc.path, nil, "Bearer "+DefaultAdminKey)
		e := decodeEnvelope(t, r, tc.status)
		if !strings.Contains(e.Error.Message, tc.mention) {
			t.Errorf("%s %s: message %q does not mention %q", tc.method, tc.path, e.Error.Message, tc.mention)
		}
		if r.header.Get("x-request-id") == "" {
			t.Errorf("%s %s: no x-request-id", tc.method, tc.path)
		}
		if tc.status == http.StatusMethodNotAllowed && r.header.Get("Allow") != "GET" {
			t.Errorf("%s %s: Allow %q, want GET", tc.method, tc.path, r.header.Get("Allow"))
		}
	}
	r := get(t, s, adminKeysPath+"/"+url.PathEscape("key/with slash"), nil)
	if r.status != http.StatusOK || object(t, r.body)["id"] != "key/with slash" {
		t.Fatalf("escaped id: %d %s", r.status, r.body)
	}
	// A path outside /v1 is unknown even if the rest matches.
	req, _ := http.NewRequest(http.MethodGet, strings.TrimSuffix(s.URL(), "/v1")+adminKeysPath, nil)
	req.Header.Set("Authorization", "Bearer "+DefaultAdminKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("path without /v1: status %d", res.StatusCode)
	}
}

func TestGetAdminKey(t *testing.T) {
	s := newServer(t, Options{})
	keys := s.SeedAdminKeys(30)
	r := get(t, s, adminKeysPath+"/"+keys[13].ID, nil)
	if r.status != http.StatusOK {
		t.Fatalf("status %d", r.status)
	}
	got := object(t, r.body)
	if got["id"] != keys[13].ID || got["object"] != "organization.admin_api_key" {
		t.Fatalf("got %s", r.body)
	}
}

func TestAdminKeyJSON(t *testing.T) {
	never := AdminKey{
		ID: "key_never", RedactedValue: "sk-admin...nevr", CreatedAt: 100,
		Owner: Owner{Type: "service_account", ID: "sa_1", Role: "member", CreatedAt: 50},
		Extra: map[string]any{"scopes": []any{"api.management.read"}, "nested": map[string]any{"a": 1}, "id": "shadow"},
	}
	expiring := AdminKey{
		ID: "key_exp", Name: ptr("clé-prod-日本 \"quoted\"\n\u2028"), RedactedValue: "sk-admin...expi", CreatedAt: 200,
		ExpiresAt: ptr(int64(900)), LastUsedAt: ptr(int64(300)),
		Owner: Owner{Type: "user", Object: "organization.user", ID: "user_1", Name: ptr("Ada"), Role: "owner", CreatedAt: 10},
	}
	for _, omit := range []bool{false, true} {
		s := newServer(t, Options{OmitNullExpiresAt: omit})
		s.SetAdminKeys([]AdminKey{expiring, never})
		p := decodeList(t, get(t, s, adminKeysPath, nil))
		if len(p.Data) != 2 {
			t.Fatalf("%d keys", len(p.Data))
		}
		n, e := object(t, p.Data[0]), object(t, p.Data[1])
		if n["id"] != "key_never" {
			t.Fatalf("keys not in creation order: %s", p.Data[0])
		}
		if v, ok := n["expires_at"]; ok == omit || v != nil {
			t.Errorf("OmitNullExpiresAt=%v: never-expiring key has expires_at %v (present %v)", omit, v, ok)
		}
		if e["expires_at"] != float64(900) {
			t.Errorf("expiring key expires_at %v", e["expires_at"])
		}
		if v, ok := n["name"]; !ok || v != nil {
			t.Errorf("nil name: %v present %v, want null", v, ok)
		}
		if v, ok := n["last_used_at"]; !ok || v != nil {
			t.Errorf("never used: last_used_at %v present %v, want null", v, ok)
		}
		owner := n["owner"].(map[string]any)
		if owner["object"] != "organization.service_account" || owner["name"] != nil || owner["role"] != "member" {
			t.Errorf("owner %v", owner)
		}
		if !slices.Equal(toStrings(n["scopes"]), []string{"api.management.read"}) || n["nested"].(map[string]any)["a"] != float64(1) {
			t.Errorf("extra fields missing: %s", p.Data[1])
		}
		if n["id"] != "key_never" {
			t.Errorf("an extra field shadowed id: %s", p.Data[1])
		}
		if e["name"] != *expiring.Name || e["last_used_at"] != float64(300) || e["created_at"] != float64(200) {
			t.Errorf("expiring key %s", p.Data[0])
		}
	}
}

func toStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, len(list))
	for i, x := range list {
		out[i], _ = x.(string)
	}
	return out
}

func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "quote\" back\\slash", "ctl\x00\x01\x1f\t\r\n", "<html>&", "日本語 clé", "\u2028\u2029", "bad\xffutf8\xc3", "emoji 🔑"} {
		var got string
		if err := json.Unmarshal(appendString(nil, s), &got); err != nil {
			t.Errorf("%q: invalid JSON %s: %v", s, appendString(nil, s), err)
			continue
		}
		want, _ := json.Marshal(s)
		var wantStr string
		_ = json.Unmarshal(want, &wantStr)
		if got != wantStr {
			t.Errorf("%q: decoded %q, encoding/json gives %q", s, got, wantStr)
		}
	}
}

func TestGeneratedKeysEncodeAsValidJSON(t *testing.T) {
	keys := GenerateAdminKeys(500, 3)
	for i := range keys {
		k := &keys[i]
		b := appendAdminKey(nil, k, encodeExtra(k.Extra), false, shape{})
		var v struct {
			ID         string  `json:"id"`
			Name       *string `json:"name"`
			CreatedAt  int64   `json:"created_at"`
			ExpiresAt  *int64  `json:"expires_at"`
			LastUsedAt *int64  `json:"last_used_at"`
			Owner      struct {
				Type, ID, Role string
				Name           *string
			} `json:"owner"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("key %d: %v: %s", i, err, b)
		}
		if v.ID != k.ID || str(v.Name) != str(k.Name) || v.CreatedAt != k.CreatedAt ||
			(v.ExpiresAt == nil) != (k.ExpiresAt == nil) || (v.LastUsedAt == nil) != (k.LastUsedAt == nil) ||
			v.Owner.ID != k.Owner.ID || v.Owner.Type != k.Owner.Type || str(v.Owner.Name) != str(k.Owner.Name) {
			t.Fatalf("key %d round trip: %s", i, b)
		}
	}
}

func TestRequestLog(t *testing.T) {
	s := newServer(t, Options{})
	s.SeedAdminKeys(5)
	get(t, s, adminKeysPath, url.Values{"limit": {"2"}, "order": {"desc"}})
	r := do(t, s, http.MethodGet, "/organization/projects", nil, "Bearer nope")
	do(t, s, http.MethodGet, adminKeysPath, nil, "")
	log := s.Requests()
	if len(log) != 3 {
		t.Fatalf("%d requests logged, want 3", len(log))
	}
	first := log[0]
	if first.Method != "GET" || first.Path != adminKeysPath || first.Query.Get("limit") != "2" || first.Query.Get("order") != "desc" ||
		!first.AuthSent || !first.Authorized || first.UserAgent != "openaitest-test/1.0" || first.Status != 200 || first.RequestID == "" {
		t.Errorf("first request %+v", first)
	}
	if second := log[1]; second.Path != "/organization/projects" || !second.AuthSent || second.Authorized || second.Status != 401 ||
		second.RequestID != r.header.Get("x-request-id") {
		t.Errorf("second request %+v (header id %s)", second, r.header.Get("x-request-id"))
	}
	if third := log[2]; third.AuthSent || third.Authorized || third.Status != 401 {
		t.Errorf("third request %+v", third)
	}
	log[0].Query.Set("limit", "mutated")
	if s.Requests()[0].Query.Get("limit") != "2" {
		t.Error("Requests returned the log's own query map")
	}
	if n := s.CountRequests(adminKeysPath); n != 2 {
		t.Errorf("CountRequests(%s) = %d, want 2", adminKeysPath, n)
	}
	s.ResetRequests()
	if len(s.Requests()) != 0 || s.CountRequests(adminKeysPath) != 0 {
		t.Error("ResetRequests left entries")
	}
}

func TestConcurrentRequests(t *testing.T) {
	s := newServer(t, Options{})
	keys := s.SeedAdminKeys(300)
	s.LoadSampleOrganization()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				path := adminKeysPath
				if (g+i)%2 == 0 {
					path = "/organization/projects"
				}
				req, _ := http.NewRequest(http.MethodGet, s.URL()+path+"?limit=100", nil)
				req.Header.Set("Authorization", "Bearer "+DefaultAdminKey)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err
					return
				}
				_ = res.Body.Close()
				if res.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("status %d", res.StatusCode)
					return
				}
			}
		}()
	}
	// Writers race the readers on purpose.
	s.SetAdminKeys(keys[:100])
	s.AddProject(Project{ID: "proj_new", Name: ptr("New"), CreatedAt: 1}, GenerateProjectKeys("proj_new", 5, 1))
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := len(s.Requests()); n != 80 {
		t.Errorf("%d requests logged, want 80", n)
	}
	ridSeen := map[string]bool{}
	for _, r := range s.Requests() {
		if ridSeen[r.RequestID] {
			t.Errorf("request id %s reused", r.RequestID)
		}
		ridSeen[r.RequestID] = true
	}
}

func TestSetAdminKeysRejectsDuplicateIDs(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("SetAdminKeys accepted duplicate ids")
		}
	}()
	NewHandler(Options{}).SetAdminKeys([]AdminKey{{ID: "key_a"}, {ID: "key_a"}})
}
