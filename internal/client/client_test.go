package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

const keysPath = "/organization/admin_api_keys"

var epoch = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// fixture is a fake Admin API and a client for it that share a fake clock.
type fixture struct {
	srv   *openaitest.Server
	clock *openaitest.FakeClock
	log   *recordingLogger
	c     *client.Client
}

func newFixture(t *testing.T, opts openaitest.Options, configure ...func(*client.Config)) *fixture {
	t.Helper()
	f := &fixture{clock: openaitest.NewFakeClock(epoch), log: &recordingLogger{}}
	opts.Clock = f.clock
	f.srv = openaitest.NewServer(opts)
	t.Cleanup(f.srv.Close)
	cfg := client.Config{
		AdminKey:  openaitest.DefaultAdminKey,
		BaseURL:   f.srv.URL(),
		UserAgent: "client-test/1.0",
		Clock:     f.clock,
		Logger:    f.log,
		Jitter:    func() float64 { return 0 },
	}
	for _, fn := range configure {
		fn(&cfg)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	f.c = c
	return f
}

type logLine struct {
	level, msg string
	fields     map[string]any
}

type recordingLogger struct {
	mu    sync.Mutex
	lines []logLine
}

func (l *recordingLogger) add(level, msg string, fields map[string]any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, logLine{level, msg, fields})
}

func (l *recordingLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("debug", msg, fields)
}

func (l *recordingLogger) Info(_ context.Context, msg string, fields map[string]any) {
	l.add("info", msg, fields)
}

func (l *recordingLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.add("warn", msg, fields)
}

func (l *recordingLogger) count(level string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if line.level == level {
			n++
		}
	}
	return n
}

func (l *recordingLogger) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, line := range l.lines {
		fmt.Fprintf(&b, "%s %s %v\n", line.level, line.msg, line.fields)
	}
	return b.String()
}

func keyIDs(keys []client.AdminAPIKey) []string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	return ids
}

func seededIDs(keys []openaitest.AdminKey) []string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	return ids
}

func TestListAdminAPIKeysPagesEverything(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	seeded := f.srv.SeedAdminKeys(250)

	keys, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := keyIDs(keys), seededIDs(seeded); !slices.Equal(got, want) {
		t.Fatalf("got %d keys, want the %d seeded ones in ascending order", len(got), len(want))
	}
	reqs := f.srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("got %d requests, want exactly 3 for 250 keys", len(reqs))
	}
	wantAfter := []string{"", seeded[99].ID, seeded[199].ID}
	for i, r := range reqs {
		if r.Path != keysPath || r.Query.Get("limit") != "100" || r.Query.Get("order") != "asc" || r.Query.Get("after") != wantAfter[i] {
			t.Errorf("request %d = %s %v, want limit=100 order=asc after=%q", i, r.Path, r.Query, wantAfter[i])
		}
		if !r.Authorized || r.UserAgent != "client-test/1.0" {
			t.Errorf("request %d: authorized=%v user agent %q", i, r.Authorized, r.UserAgent)
		}
	}
	if n := f.log.count("debug"); n != 3 {
		t.Errorf("got %d debug lines, want one per page:\n%s", n, f.log)
	}
}

func TestListAdminAPIKeysDescending(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	seeded := f.srv.SeedAdminKeys(250)

	keys, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{Order: client.OrderDesc})
	if err != nil {
		t.Fatal(err)
	}
	want := seededIDs(seeded)
	slices.Reverse(want)
	if got := keyIDs(keys); !slices.Equal(got, want) {
		t.Fatalf("desc order: got %d keys, first %v; want the seeded keys reversed", len(got), got[:min(3, len(got))])
	}
	for _, r := range f.srv.Requests() {
		if r.Query.Get("order") != "desc" {
			t.Errorf("request sent order=%q, want desc", r.Query.Get("order"))
		}
	}
	if n := len(f.srv.Requests()); n != 3 {
		t.Errorf("got %d requests, want 3", n)
	}
}

func TestListAdminAPIKeysEmptyOrganization(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	keys, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if keys == nil || len(keys) != 0 {
		t.Fatalf("got %#v, want an empty, non-nil slice", keys)
	}
	if n := len(f.srv.Requests()); n != 1 {
		t.Errorf("got %d requests, want 1", n)
	}
}

func TestListAdminAPIKeysKeepsNulls(t *testing.T) {
	for _, omit := range []bool{false, true} {
		t.Run(fmt.Sprintf("omit_null_expires_at=%v", omit), func(t *testing.T) {
			f := newFixture(t, openaitest.Options{OmitNullExpiresAt: omit})
			seeded := f.srv.SeedAdminKeys(120)
			keys, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var nilNames, neverUsed, neverExpire, serviceAccounts, users int
			for i, k := range keys {
				s := seeded[i]
				if !eqPtr(k.Name, s.Name) || !eqPtr(k.ExpiresAt, s.ExpiresAt) || !eqPtr(k.LastUsedAt, s.LastUsedAt) {
					t.Fatalf("key %s: name/expires_at/last_used_at = %v/%v/%v, want %v/%v/%v",
						k.ID, ptr(k.Name), ptr(k.ExpiresAt), ptr(k.LastUsedAt), ptr(s.Name), ptr(s.ExpiresAt), ptr(s.LastUsedAt))
				}
				if !eqPtr(k.Owner.Type, &s.Owner.Type) || !eqPtr(k.Owner.ID, &s.Owner.ID) || !eqPtr(k.Owner.Role, &s.Owner.Role) ||
					!eqPtr(k.Owner.Name, s.Owner.Name) || !eqPtr(k.Owner.CreatedAt, &s.Owner.CreatedAt) {
					t.Fatalf("key %s: owner %+v, want %+v", k.ID, k.Owner, s.Owner)
				}
				if !eqPtr(k.RedactedValue, &s.RedactedValue) || k.CreatedAt != s.CreatedAt || k.Object != "organization.admin_api_key" {
					t.Fatalf("key %s: %+v differs from the seeded %+v", k.ID, k, s)
				}
				if k.Name == nil {
					nilNames++
				}
				if k.LastUsedAt == nil {
					neverUsed++
				}
				if k.ExpiresAt == nil {
					neverExpire++
				}
				switch *k.Owner.Type {
				case "user":
					users++
				case "service_account":
					serviceAccounts++
				}
			}
			// The seed must exercise every null, or this test proves nothing.
			if nilNames == 0 || neverUsed == 0 || neverExpire == 0 || users == 0 || serviceAccounts == 0 {
				t.Fatalf("seed lacks a case: %d null names, %d never used, %d never expiring, %d users, %d service accounts",
					nilNames, neverUsed, neverExpire, users, serviceAccounts)
			}
		})
	}
}

func eqPtr[T comparable](a, b *T) bool {
	return (a == nil) == (b == nil) && (a == nil || *a == *b)
}

func ptr[T any](p *T) any {
	if p == nil {
		return "null"
	}
	return *p
}

func TestGetAdminAPIKey(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	seeded := f.srv.SeedAdminKeys(5)

	key, err := f.c.GetAdminAPIKey(context.Background(), seeded[3].ID)
	if err != nil {
		t.Fatal(err)
	}
	if key.ID != seeded[3].ID || !eqPtr(key.LastUsedAt, seeded[3].LastUsedAt) {
		t.Errorf("got %+v, want %s", key, seeded[3].ID)
	}

	_, err = f.c.GetAdminAPIKey(context.Background(), "key_missing")
	if !client.IsNotFound(err) {
		t.Fatalf("got %v, want a not-found APIError", err)
	}
	if client.RequestIDOf(err) == "" {
		t.Errorf("error %q has no request id", err)
	}
}

func TestGetAdminAPIKeyEscapesTheID(t *testing.T) {
	var gotURI string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotURI = r.RequestURI
		w.Header().Set("x-request-id", "req_1")
		http.Error(w, `{"error":{"message":"nope","type":"invalid_request_error"}}`, http.StatusNotFound)
	}))
	defer ts.Close()
	c, err := client.New(client.Config{AdminKey: "sk-admin-x", BaseURL: ts.URL + "/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetAdminAPIKey(context.Background(), "key/../x?y")
	if !client.IsNotFound(err) {
		t.Fatalf("got %v, want not found", err)
	}
	if want := "/v1/organization/admin_api_keys/key%2F..%2Fx%3Fy"; gotURI != want {
		t.Errorf("request URI %q, want %q", gotURI, want)
	}
}

func TestRetriesHintlessRateLimits(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	f.srv.SeedAdminKeys(10)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 429, Times: 3})

	keys, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 10 {
		t.Fatalf("got %d keys, want 10", len(keys))
	}
	if n := len(f.srv.Requests()); n != 4 {
		t.Errorf("got %d requests, want 4 (3 rate-limited, 1 served)", n)
	}
	// The first request was refused, so the pacer probes after 62.5 ms,
	// 125 ms and 250 ms.
	if got, want := f.clock.Slept(), 437500*time.Microsecond; got != want {
		t.Errorf("waited %s on the clock, want %s", got, want)
	}
	if n := f.log.count("warn"); n != 3 {
		t.Errorf("got %d retry warnings, want 3:\n%s", n, f.log)
	}
	for _, line := range f.log.lines {
		if line.level != "warn" {
			continue
		}
		for _, field := range []string{"status", "attempt", "wait", "request_id"} {
			if v, ok := line.fields[field]; !ok || v == "" {
				t.Errorf("retry log line lacks %s: %v", field, line.fields)
			}
		}
	}
}

func TestRetryBackoffGrowsPastEightSecondsForRateLimits(t *testing.T) {
	f := newFixture(t, openaitest.Options{}, func(c *client.Config) { c.MaxRetries = 12 })
	f.srv.SeedAdminKeys(1)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 429, Times: 12})
	if _, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{}); err != nil {
		t.Fatal(err)
	}
	// 0.0625+0.125+...+32+60+60: the pacer's probes wait out a whole minute.
	if got, want := f.clock.Slept(), 183937500*time.Microsecond; got != want {
		t.Errorf("waited %s, want %s", got, want)
	}

	f = newFixture(t, openaitest.Options{}, func(c *client.Config) { c.MaxRetries = 6 })
	f.srv.SeedAdminKeys(1)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 503, Times: 6})
	if _, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{}); err != nil {
		t.Fatal(err)
	}
	// 0.5+1+2+4+8+8: server errors cap at 8 s.
	if got, want := f.clock.Slept(), 23500*time.Millisecond; got != want {
		t.Errorf("waited %s after 5xx, want %s", got, want)
	}
}

func TestRetryHonoursServerHints(t *testing.T) {
	httpDate := epoch.Add(7 * time.Second).Format(http.TimeFormat)
	for _, tc := range []struct {
		name    string
		headers map[string]string
		want    time.Duration
	}{
		{"retry-after-ms", map[string]string{"retry-after-ms": "1500.5"}, 1500500 * time.Microsecond},
		{"retry-after seconds", map[string]string{"retry-after": "3"}, 3 * time.Second},
		{"retry-after date", map[string]string{"retry-after": httpDate}, 7 * time.Second},
		{"ms wins over seconds", map[string]string{"retry-after-ms": "20", "retry-after": "9"}, 20 * time.Millisecond},
		{"garbage falls back to the pacer's first probe", map[string]string{"retry-after": "soon"}, 62500 * time.Microsecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, openaitest.Options{})
			f.srv.SeedAdminKeys(1)
			f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 429, Headers: tc.headers})
			if _, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{}); err != nil {
				t.Fatal(err)
			}
			if got := f.clock.Slept(); got != tc.want {
				t.Errorf("waited %s, want %s", got, tc.want)
			}
		})
	}
}

func TestRetryPolicy(t *testing.T) {
	// The provider's max_retries documentation says this; the cases below
	// hold the policy to it.
	if got, want := client.RetriedStatuses(), "408, 409, 429 or 5xx except 501"; got != want {
		t.Errorf("RetriedStatuses() = %q, want %q", got, want)
	}
	for _, tc := range []struct {
		status   int
		headers  map[string]string
		requests int
	}{
		{408, nil, 2},
		{409, nil, 2},
		{429, nil, 2},
		{500, nil, 2},
		{502, nil, 2},
		{503, nil, 2},
		{501, nil, 1},
		{400, nil, 1},
		{404, nil, 1},
		{500, map[string]string{"x-should-retry": "false"}, 1},
		{400, map[string]string{"x-should-retry": "true"}, 2},
	} {
		t.Run(fmt.Sprintf("%d %v", tc.status, tc.headers), func(t *testing.T) {
			f := newFixture(t, openaitest.Options{})
			f.srv.SeedAdminKeys(1)
			f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: tc.status, Headers: tc.headers})
			_, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
			if n := len(f.srv.Requests()); n != tc.requests {
				t.Fatalf("got %d requests, want %d (err %v)", n, tc.requests, err)
			}
			if retried := tc.requests == 2; retried != (err == nil) {
				t.Errorf("retried=%v but err=%v", retried, err)
			}
		})
	}
}

func TestRetriesDroppedConnections(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	f.srv.SeedAdminKeys(3)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultDropConnection, Times: 2})
	keys, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 || len(f.srv.Requests()) != 3 {
		t.Errorf("got %d keys in %d requests, want 3 keys in 3", len(keys), len(f.srv.Requests()))
	}
}

func TestRetriesExhausted(t *testing.T) {
	f := newFixture(t, openaitest.Options{}, func(c *client.Config) { c.MaxRetries = 2 })
	f.srv.SeedAdminKeys(1)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 429, Times: 10})
	_, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	apiErr, ok := client.AsAPIError(err)
	if !ok || !client.IsRateLimited(err) {
		t.Fatalf("got %v, want a 429 APIError", err)
	}
	if apiErr.Attempts != 3 || len(f.srv.Requests()) != 3 {
		t.Errorf("attempts %d, requests %d; want 3 and 3", apiErr.Attempts, len(f.srv.Requests()))
	}
	if apiErr.RequestID == "" || apiErr.RequestID != f.srv.Requests()[2].RequestID {
		t.Errorf("request id %q, want the last attempt's", apiErr.RequestID)
	}
}

func TestRetriesDisabled(t *testing.T) {
	f := newFixture(t, openaitest.Options{}, func(c *client.Config) { c.MaxRetries = -1 })
	f.srv.SeedAdminKeys(1)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 503})
	if _, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{}); err == nil {
		t.Fatal("got no error with retries disabled")
	}
	if n := len(f.srv.Requests()); n != 1 {
		t.Errorf("got %d requests, want 1", n)
	}
}

func TestRetryWaitIsCapped(t *testing.T) {
	f := newFixture(t, openaitest.Options{}, func(c *client.Config) { c.MaxRetryWait = 10 * time.Second })
	f.srv.SeedAdminKeys(1)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 429, Headers: map[string]string{"retry-after": "4"}, Times: 5})
	_, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	if !client.IsRateLimited(err) {
		t.Fatalf("got %v, want a 429 once the wait budget is spent", err)
	}
	// 4 s + 4 s fit in 10 s; a third wait would not.
	if got := f.clock.Slept(); got != 8*time.Second {
		t.Errorf("waited %s, want 8s", got)
	}
	if n := len(f.srv.Requests()); n != 3 {
		t.Errorf("got %d requests, want 3", n)
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		fault  openaitest.Fault
		opts   openaitest.Options
		check  func(error) bool
		status int
		msg    string
	}{
		{"missing scope 403", openaitest.Fault{Kind: openaitest.FaultMissingScope}, openaitest.Options{},
			func(err error) bool { return client.IsForbidden(err) && client.IsMissingScope(err) }, 403, "Missing scopes: api.management.read"},
		{"missing scope 401", openaitest.Fault{Kind: openaitest.FaultMissingScope}, openaitest.Options{MissingScopeStatus: 401},
			func(err error) bool { return client.IsUnauthorized(err) && client.IsMissingScope(err) }, 401, "Missing scopes: api.management.read"},
		{"bare string error", openaitest.Fault{Kind: openaitest.FaultBareError, Status: 401, Message: "Invalid authorization header"}, openaitest.Options{},
			func(err error) bool { return client.IsUnauthorized(err) && !client.IsMissingScope(err) }, 401, "Invalid authorization header"},
		{"unparseable body", openaitest.Fault{Kind: openaitest.FaultStatus, Status: 400, Body: "<html>bad gateway</html>"}, openaitest.Options{},
			func(err error) bool { _, ok := client.AsAPIError(err); return ok }, 400, "<html>bad gateway</html>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, tc.opts)
			f.srv.SeedAdminKeys(1)
			f.srv.Inject(tc.fault)
			_, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
			if err == nil || !tc.check(err) {
				t.Fatalf("got %v (%T)", err, err)
			}
			apiErr, _ := client.AsAPIError(err)
			if apiErr.StatusCode != tc.status || !strings.Contains(apiErr.Message, tc.msg) {
				t.Errorf("status %d message %q, want %d containing %q", apiErr.StatusCode, apiErr.Message, tc.status, tc.msg)
			}
			if apiErr.RequestID == "" || !strings.Contains(err.Error(), apiErr.RequestID) {
				t.Errorf("error %q lacks the request id %q", err, apiErr.RequestID)
			}
		})
	}
}

func TestWrongKey(t *testing.T) {
	f := newFixture(t, openaitest.Options{}, func(c *client.Config) { c.AdminKey = "sk-admin-wrong-secret-value-42" })
	_, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	apiErr, ok := client.AsAPIError(err)
	if !ok || !client.IsUnauthorized(err) || apiErr.Code != "invalid_api_key" || apiErr.RequestID == "" {
		t.Fatalf("got %#v, want a 401 invalid_api_key with a request id", err)
	}
	if strings.Contains(err.Error(), "wrong-secret-value") {
		t.Errorf("the error shows the key: %q", err)
	}
}

func TestKeyNeverInErrors(t *testing.T) {
	const secret = "sk-admin-SECRET-echoed-by-a-proxy"
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-request-id", "req_echo")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error","param":%q,"code":"invalid_api_key"}}`, secret, secret)
	}))
	defer ts.Close()
	c, err := client.New(client.Config{AdminKey: secret, BaseURL: ts.URL})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("error %q shows the admin key", err)
	}
	apiErr, _ := client.AsAPIError(err)
	if strings.Contains(apiErr.Message+apiErr.Param, secret) || !strings.Contains(apiErr.Message, "[REDACTED]") {
		t.Errorf("message %q / param %q not redacted", apiErr.Message, apiErr.Param)
	}
}

func TestMalformedJSON(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	f.srv.SeedAdminKeys(1)
	f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultMalformedJSON})
	_, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	var decErr *client.DecodeError
	if !errors.As(err, &decErr) || decErr.RequestID == "" {
		t.Fatalf("got %v, want a DecodeError with a request id", err)
	}
}

func TestPaginationGuards(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fault    openaitest.Fault
		maxPages int
		reason   string
	}{
		{"repeated cursor", openaitest.Fault{Kind: openaitest.FaultRepeatCursor, Times: 100}, 0, "again"},
		{"empty page with has_more", openaitest.Fault{Kind: openaitest.FaultEmptyPageHasMore, Times: 100}, 0, "empty page"},
		{"element without id", openaitest.Fault{Kind: openaitest.FaultOmitID}, 0, "no id"},
		{"page cap", openaitest.Fault{}, 2, "longer than 2 pages"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, openaitest.Options{})
			f.srv.SeedAdminKeys(250)
			// Faults start on the second page, after a normal first one.
			f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultLatency})
			if tc.maxPages == 0 {
				f.srv.Inject(tc.fault)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_, err := f.c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{MaxPages: tc.maxPages})
			var pageErr *client.PaginationError
			if !errors.As(err, &pageErr) || !strings.Contains(pageErr.Reason, tc.reason) {
				t.Fatalf("got %v, want a PaginationError about %q", err, tc.reason)
			}
			if n := len(f.srv.Requests()); n > 3 {
				t.Errorf("got %d requests: the guard should stop at once", n)
			}
		})
	}
}

// blockingClock never lets time pass: Sleep returns only when ctx is done.
type blockingClock struct{ sleeping chan struct{} }

func (blockingClock) Now() time.Time { return epoch }

func (c blockingClock) Sleep(ctx context.Context, _ time.Duration) error {
	c.sleeping <- struct{}{}
	<-ctx.Done()
	return ctx.Err()
}

func TestCancelStopsWaiting(t *testing.T) {
	t.Run("during backoff", func(t *testing.T) {
		clock := blockingClock{sleeping: make(chan struct{}, 1)}
		f := newFixture(t, openaitest.Options{}, func(c *client.Config) { c.Clock = clock })
		f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultStatus, Status: 429, Times: 5})
		ctx, cancel := context.WithCancel(context.Background())
		go func() { <-clock.sleeping; cancel() }()
		_, err := f.c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if n := len(f.srv.Requests()); n != 1 {
			t.Errorf("got %d requests after cancel, want 1", n)
		}
	})
	t.Run("during a hanging request", func(t *testing.T) {
		f := newFixture(t, openaitest.Options{})
		// A gate that never opens: the request hangs in the server's hands.
		gate := openaitest.NewGate()
		f.srv.Inject(openaitest.Fault{Kind: openaitest.FaultLatency, Gate: gate})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := f.c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{})
			done <- err
		}()
		<-gate.Arrived()
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want context.Canceled", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the client did not return after cancel")
		}
	})
}

func TestSweepSurvivesTightRateLimit(t *testing.T) {
	f := newFixture(t, openaitest.Options{RateLimitPerMinute: 10}, func(c *client.Config) {
		c.Jitter = nil // real jitter: the sweep must not depend on lucky timing
	})
	seeded := f.srv.SeedAdminKeys(10_000)
	keys, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keyIDs(keys), seededIDs(seeded)) {
		t.Fatalf("got %d keys, want all 10000 in order", len(keys))
	}
	served := 0
	for _, r := range f.srv.Requests() {
		if r.Status == http.StatusOK {
			served++
		}
	}
	if served != 100 {
		t.Errorf("%d pages served, want exactly 100", served)
	}
	t.Logf("10,000 keys at 10 requests/minute: %d requests, %s on the fake clock", len(f.srv.Requests()), f.clock.Slept())
}

func TestNewValidatesConfig(t *testing.T) {
	for _, tc := range []struct {
		name, key, url, want string
	}{
		{"no key", "", "", "admin key is required"},
		{"key with newline", "sk-admin-a\nb", "", "white space"},
		{"plain http", "sk-admin-qqq", "http://api.example.com/v1", "plain http"},
		{"not absolute", "sk-admin-qqq", "api.openai.com/v1", "absolute https URL"},
		{"credentials", "sk-admin-qqq", "https://u:p@api.openai.com/v1", "credentials"},
		{"query", "sk-admin-qqq", "https://api.openai.com/v1?x=1", "query"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := client.New(client.Config{AdminKey: tc.key, BaseURL: tc.url})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error about %q", err, tc.want)
			}
			if tc.key != "" && strings.Contains(err.Error(), tc.key) {
				t.Errorf("error %q shows the key", err)
			}
		})
	}
	for _, ok := range []string{"", "https://api.openai.com/v1/", "http://127.0.0.1:8080/v1", "http://localhost/v1", "http://[::1]:9/v1"} {
		if _, err := client.New(client.Config{AdminKey: "k", BaseURL: ok}); err != nil {
			t.Errorf("base URL %q refused: %v", ok, err)
		}
	}
}

func TestKeyGoesOnlyToTheBaseOrigin(t *testing.T) {
	var leaked string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = r.Header.Get("Authorization")
		w.Header().Set("content-type", "application/json")
		_, _ = fmt.Fprint(w, `{"object":"list","data":[],"has_more":false}`)
	}))
	defer other.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer sk-admin-origin-test" {
			t.Errorf("the base origin did not get the key")
		}
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()

	c, err := client.New(client.Config{AdminKey: "sk-admin-origin-test", BaseURL: redirector.URL + "/v1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{}); err != nil {
		t.Fatal(err)
	}
	if leaked != "" {
		t.Errorf("the key was sent to another origin: %q", leaked)
	}
}

func TestInvalidOrder(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	_, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{Order: "sideways"})
	if err == nil || !strings.Contains(err.Error(), "invalid order") {
		t.Fatalf("got %v", err)
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("sent %d requests for an invalid order", n)
	}
}

func TestAdminAPIKeyPagesReportsProgress(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	f.srv.SeedAdminKeys(250)
	var totals []int
	for page, err := range f.c.AdminAPIKeyPages(context.Background(), client.ListAdminAPIKeysOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		totals = append(totals, page.Total)
		if page.RequestID == "" {
			t.Errorf("page %d has no request id", page.Number)
		}
	}
	if !slices.Equal(totals, []int{100, 200, 250}) {
		t.Errorf("running totals %v, want [100 200 250]", totals)
	}
	// Stopping early sends no further request.
	f.srv.ResetRequests()
	for _, err := range f.c.AdminAPIKeyPages(context.Background(), client.ListAdminAPIKeysOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		break
	}
	if n := len(f.srv.Requests()); n != 1 {
		t.Errorf("an early break sent %d requests, want 1", n)
	}
}
