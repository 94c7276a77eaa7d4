package openaitest

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"testing"
)

// response is what a test needs from one exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

type listPage struct {
	Object  string            `json:"object"`
	Data    []json.RawMessage `json:"data"`
	FirstID *string           `json:"first_id"`
	LastID  *string           `json:"last_id"`
	HasMore bool              `json:"has_more"`
}

type envelope struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	} `json:"error"`
}

// get sends an authorised GET to the fake.
func get(t testing.TB, s *Server, path string, q url.Values) response {
	t.Helper()
	return do(t, s, http.MethodGet, path, q, "Bearer "+DefaultAdminKey)
}

func do(t testing.TB, s *Server, method, path string, q url.Values, auth string) response {
	t.Helper()
	u := s.URL() + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(context.Background(), method, u, nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("User-Agent", "openaitest-test/1.0")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer func() { _ = res.Body.Close() }()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return response{status: res.StatusCode, header: res.Header, body: body}
}

func decodeList(t testing.TB, r response) listPage {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d, want 200; body %s", r.status, r.body)
	}
	var p listPage
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("decode list: %v; body %s", err, r.body)
	}
	if p.Object != "list" {
		t.Fatalf("object %q, want list", p.Object)
	}
	return p
}

func decodeEnvelope(t testing.TB, r response, wantStatus int) envelope {
	t.Helper()
	if r.status != wantStatus {
		t.Fatalf("status %d, want %d; body %s", r.status, wantStatus, r.body)
	}
	var e envelope
	if err := json.Unmarshal(r.body, &e); err != nil {
		t.Fatalf("decode envelope: %v; body %s", err, r.body)
	}
	if e.Error.Message == "" || e.Error.Type == "" {
		t.Fatalf("envelope lacks message or type: %s", r.body)
	}
	return e
}

// ids returns the "id" of each element; a missing id is "".
func ids(t testing.TB, p listPage) []string {
	t.Helper()
	out := make([]string, len(p.Data))
	for i, raw := range p.Data {
		var v struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("decode element: %v", err)
		}
		out[i] = v.ID
	}
	return out
}

func object(t testing.TB, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("decode object: %v; %s", err, raw)
	}
	return m
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

// listAll pages path with after=<last element id> like the official SDKs,
// failing on a page that does not advance.
func listAll(t testing.TB, s *Server, path string, q url.Values) []string {
	t.Helper()
	var all []string
	after := ""
	for range 100000 {
		pq := url.Values{}
		for k, v := range q {
			pq[k] = v
		}
		if after != "" {
			pq.Set("after", after)
		}
		p := decodeList(t, get(t, s, path, pq))
		got := ids(t, p)
		all = append(all, got...)
		if len(got) > 0 {
			if str(p.FirstID) != got[0] || str(p.LastID) != got[len(got)-1] {
				t.Fatalf("first_id %s last_id %s, data %s..%s", str(p.FirstID), str(p.LastID), got[0], got[len(got)-1])
			}
		} else if p.FirstID != nil || p.LastID != nil {
			t.Fatalf("empty page with first_id %s last_id %s", str(p.FirstID), str(p.LastID))
		}
		if !p.HasMore || len(got) == 0 {
			return all
		}
		if got[len(got)-1] == after {
			t.Fatalf("cursor did not advance past %s", after)
		}
		after = got[len(got)-1]
	}
	t.Fatal("paging did not end")
	return nil
}
