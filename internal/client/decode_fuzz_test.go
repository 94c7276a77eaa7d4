package client

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeAdminAPIKeyPage feeds arbitrary bodies to the list decoder: it may
// refuse them, but must not panic, and what it accepts keeps nulls as nil.
func FuzzDecodeAdminAPIKeyPage(f *testing.F) {
	f.Add([]byte(`{"object":"list","data":[{"object":"organization.admin_api_key","id":"key_1","name":null,"redacted_value":"sk-admin...abc","created_at":1,"expires_at":null,"last_used_at":null,"owner":{"type":"user","object":"organization.user","id":"user_1","name":"A","created_at":1,"role":"owner"},"unknown":{"x":[1,2]}}],"first_id":"key_1","last_id":"key_1","has_more":false}`))
	f.Add([]byte(`{"object":"list","data":[],"first_id":null,"last_id":null,"has_more":true}`))
	f.Add([]byte(`{"data":[{"id":"k","last_used_at":0,"expires_at":1e3}],"has_more":false}`))
	f.Add([]byte(`{"data":[{"id":"k","owner":null,"name":"\u00e9"}]}`))
	f.Add([]byte(`{"data":[{"id":"k","name":"x"`))
	f.Fuzz(func(t *testing.T, body []byte) {
		var page listResponse[AdminAPIKey]
		if err := json.Unmarshal(body, &page); err != nil {
			return
		}
		// A JSON null must never arrive as a zero value.
		var raw struct {
			Data []map[string]json.RawMessage `json:"data"`
		}
		if json.Unmarshal(body, &raw) != nil || len(raw.Data) != len(page.Data) {
			return
		}
		for i, k := range page.Data {
			for field, got := range map[string]bool{"last_used_at": k.LastUsedAt != nil, "expires_at": k.ExpiresAt != nil, "name": k.Name != nil} {
				if v, ok := raw.Data[i][field]; ok && string(v) == "null" && got {
					t.Fatalf("element %d: %s is null in %q but decoded as a value", i, field, body)
				}
			}
		}
	})
}

// FuzzAPIError feeds arbitrary error bodies to the error parser: it must not
// panic, must bound the message, and must never repeat the admin key.
func FuzzAPIError(f *testing.F) {
	const secret = "sk-admin-fuzz-secret"
	f.Add(401, []byte(`{"error":{"message":"Incorrect API key provided: sk-admin-fuzz-secret","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`))
	f.Add(403, []byte(`{"error":"You have insufficient permissions. Missing scopes: api.management.read"}`))
	f.Add(500, []byte(`<html>sk-admin-fuzz-secret</html>`))
	f.Add(429, []byte(`{"error":{"message":null,"code":429,"param":{"a":1}}}`))
	f.Add(400, []byte(``))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		resp := &http.Response{
			StatusCode: status,
			Header:     http.Header{"X-Request-Id": {"req_fuzz"}},
			Request:    &http.Request{Method: http.MethodGet, URL: &url.URL{Path: "/v1/organization/admin_api_keys"}},
		}
		e := newAPIError(resp, body, secret)
		msg := e.Error()
		if strings.Contains(msg, secret) {
			t.Fatalf("the error shows the admin key: %q", msg)
		}
		if e.RequestID != "req_fuzz" {
			t.Fatalf("request id %q", e.RequestID)
		}
		if !json.Valid(body) && utf8.RuneCountInString(e.Message) > maxErrorBody+len("[REDACTED]") {
			t.Fatalf("message of %d runes from an unparseable body", utf8.RuneCountInString(e.Message))
		}
	})
}
