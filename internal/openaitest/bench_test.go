package openaitest

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// pageAllViaHandler lists every admin key through the handler, 100 a page,
// reading only the tail of each body: the point is to time the fake, not a
// JSON decoder.
func pageAllViaHandler(tb testing.TB, s *Server) (pages, total int, last string) {
	h := s.Handler()
	after := ""
	for {
		target := "/v1/organization/admin_api_keys?limit=100"
		if after != "" {
			target += "&after=" + after
		}
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Authorization", "Bearer "+DefaultAdminKey)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			tb.Fatalf("page %d: status %d %s", pages, w.Code, w.Body.Bytes())
		}
		body := w.Body.Bytes()
		pages++
		total += bytes.Count(body, []byte(`"object":"organization.admin_api_key"`))
		i := bytes.LastIndex(body, []byte(`,"last_id":`))
		j := bytes.LastIndex(body, []byte(`,"has_more":`))
		if i < 0 || j < i {
			tb.Fatalf("page %d: no envelope tail", pages)
		}
		var lastID *string
		if err := json.Unmarshal(body[i+len(`,"last_id":`):j], &lastID); err != nil {
			tb.Fatalf("page %d: last_id: %v", pages, err)
		}
		if lastID != nil {
			last = *lastID
		}
		if !bytes.HasSuffix(body, []byte(`"has_more":true}`)) || lastID == nil {
			return pages, total, last
		}
		after = last
	}
}

func TestListAllAdminKeys100kViaHandler(t *testing.T) {
	s := NewHandler(Options{})
	keys := s.SeedAdminKeys(100_000)
	pages, total, last := pageAllViaHandler(t, s)
	if pages != 1000 || total != 100_000 || last != keys[len(keys)-1].ID {
		t.Fatalf("%d pages, %d keys, last cursor %s", pages, total, last)
	}
	if n := s.CountRequests(adminKeysPath); n != 1000 {
		t.Fatalf("%d requests logged", n)
	}
}

func BenchmarkListAllAdminKeys100k(b *testing.B) {
	s := NewHandler(Options{})
	s.SeedAdminKeys(100_000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, total, _ := pageAllViaHandler(b, s); total != 100_000 {
			b.Fatalf("listed %d keys", total)
		}
		s.ResetRequests()
	}
}

func BenchmarkSeedAdminKeys100k(b *testing.B) {
	s := NewHandler(Options{})
	b.ReportAllocs()
	for b.Loop() {
		s.SeedAdminKeys(100_000)
	}
}
