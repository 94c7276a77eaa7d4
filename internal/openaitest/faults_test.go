package openaitest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestFaultsApplyExactlyTimes checks each kind against a normal listing: the
// first Times matching requests show the fault, the next one is normal.
func TestFaultsApplyExactlyTimes(t *testing.T) {
	type check func(t *testing.T, r response, normal []string)
	envelopeCheck := func(status int, typ, code, message string) check {
		return func(t *testing.T, r response, _ []string) {
			e := decodeEnvelope(t, r, status)
			if e.Error.Type != typ || str(e.Error.Code) != code || (message != "" && e.Error.Message != message) {
				t.Errorf("envelope %s", r.body)
			}
		}
	}
	for _, tc := range []struct {
		name  string
		fault Fault
		opts  Options
		check check
	}{
		{"status 500", Fault{Kind: FaultStatus}, Options{}, envelopeCheck(500, "server_error", "<nil>", "")},
		{"status 503 message", Fault{Kind: FaultStatus, Status: 503, Message: "busy"}, Options{}, envelopeCheck(503, "server_error", "<nil>", "busy")},
		{"status 429 with hint", Fault{Kind: FaultStatus, Status: 429, Headers: map[string]string{"retry-after": "2"}}, Options{},
			func(t *testing.T, r response, n []string) {
				envelopeCheck(429, "requests", "rate_limit_exceeded", "")(t, r, n)
				if r.header.Get("retry-after") != "2" {
					t.Errorf("retry-after %q", r.header.Get("retry-after"))
				}
			}},
		{"status 409 no retry", Fault{Kind: FaultStatus, Status: 409, Headers: map[string]string{"x-should-retry": "false"}}, Options{},
			func(t *testing.T, r response, n []string) {
				envelopeCheck(409, "invalid_request_error", "<nil>", "")(t, r, n)
				if r.header.Get("x-should-retry") != "false" {
					t.Errorf("x-should-retry %q", r.header.Get("x-should-retry"))
				}
			}},
		{"status body override", Fault{Kind: FaultStatus, Status: 502, Body: "<html>bad gateway</html>"}, Options{},
			func(t *testing.T, r response, _ []string) {
				if r.status != 502 || string(r.body) != "<html>bad gateway</html>" || r.header.Get("x-request-id") == "" {
					t.Errorf("%d %s", r.status, r.body)
				}
			}},
		{"malformed JSON", Fault{Kind: FaultMalformedJSON}, Options{},
			func(t *testing.T, r response, _ []string) {
				if r.status != 200 || json.Valid(r.body) || len(r.body) == 0 {
					t.Errorf("%d %s", r.status, r.body)
				}
			}},
		{"bare error", Fault{Kind: FaultBareError, Message: "Invalid token"}, Options{},
			func(t *testing.T, r response, _ []string) {
				if r.status != 401 || string(r.body) != `{"error":"Invalid token"}` {
					t.Errorf("%d %s", r.status, r.body)
				}
			}},
		{"bare error status", Fault{Kind: FaultBareError, Status: 403}, Options{},
			func(t *testing.T, r response, _ []string) {
				var v struct{ Error string }
				if r.status != 403 || json.Unmarshal(r.body, &v) != nil || v.Error == "" {
					t.Errorf("%d %s", r.status, r.body)
				}
			}},
		{"missing scope 403", Fault{Kind: FaultMissingScope}, Options{}, envelopeCheck(403, "invalid_request_error", "<nil>", missingScopeMessage)},
		{"missing scope 401", Fault{Kind: FaultMissingScope}, Options{MissingScopeStatus: 401}, envelopeCheck(401, "invalid_request_error", "<nil>", missingScopeMessage)},
		{"empty page has more", Fault{Kind: FaultEmptyPageHasMore}, Options{},
			func(t *testing.T, r response, _ []string) {
				p := decodeList(t, r)
				if len(p.Data) != 0 || !p.HasMore || p.FirstID != nil || p.LastID != nil {
					t.Errorf("%s", r.body)
				}
			}},
		{"omit id", Fault{Kind: FaultOmitID}, Options{},
			func(t *testing.T, r response, normal []string) {
				got := ids(t, decodeList(t, r))
				want := slices.Clone(normal)
				want[len(want)-1] = ""
				if !slices.Equal(got, want) {
					t.Errorf("ids %v, want %v", got, want)
				}
			}},
		{"latency", Fault{Kind: FaultLatency, Latency: 45 * time.Second}, Options{},
			func(t *testing.T, r response, normal []string) {
				if got := ids(t, decodeList(t, r)); !slices.Equal(got, normal) {
					t.Errorf("ids %v", got)
				}
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := NewFakeClock(time.Unix(1_800_000_000, 0))
			tc.opts.Clock = clock
			s := newServer(t, tc.opts)
			s.SeedAdminKeys(10)
			q := url.Values{"limit": {"4"}}
			normal := ids(t, decodeList(t, get(t, s, adminKeysPath, q)))
			f := tc.fault
			f.Path = adminKeysPath
			f.Times = 2
			s.Inject(f)
			// Other paths are not affected and do not use the fault up.
			if r := get(t, s, "/organization/projects", nil); r.status != 200 {
				t.Fatalf("unmatched path: status %d %s", r.status, r.body)
			}
			before := clock.Now()
			for i := range 2 {
				r := get(t, s, adminKeysPath, q)
				if r.header.Get("x-request-id") == "" {
					t.Errorf("faulted response %d has no x-request-id", i)
				}
				tc.check(t, r, normal)
			}
			if f.Kind == FaultLatency && clock.Now().Sub(before) != 2*f.Latency {
				t.Errorf("latency moved the clock by %v, want %v", clock.Now().Sub(before), 2*f.Latency)
			}
			p := decodeList(t, get(t, s, adminKeysPath, q))
			if got := ids(t, p); !slices.Equal(got, normal) || !p.HasMore {
				t.Errorf("after Times, response not normal: %v", got)
			}
		})
	}
}

func TestFaultRepeatCursor(t *testing.T) {
	s := newServer(t, Options{})
	keys := s.SeedAdminKeys(6)
	q := url.Values{"limit": {"4"}}
	first := decodeList(t, get(t, s, adminKeysPath, q))
	s.Inject(Fault{Kind: FaultRepeatCursor, Path: adminKeysPath})
	q.Set("after", *first.LastID)
	again := decodeList(t, get(t, s, adminKeysPath, q))
	if !slices.Equal(ids(t, again), ids(t, first)) || !again.HasMore || str(again.LastID) != keys[3].ID {
		t.Fatalf("repeat cursor served %v has_more %v", ids(t, again), again.HasMore)
	}
	next := decodeList(t, get(t, s, adminKeysPath, q))
	if !slices.Equal(ids(t, next), []string{keys[4].ID, keys[5].ID}) || next.HasMore {
		t.Fatalf("after the fault: %v has_more %v", ids(t, next), next.HasMore)
	}
	// Even a listing that fits one page is told there is more.
	s.Inject(Fault{Kind: FaultRepeatCursor})
	if p := decodeList(t, get(t, s, adminKeysPath, url.Values{"limit": {"100"}})); !p.HasMore || len(p.Data) != 6 {
		t.Fatalf("single page under the fault: %d keys, has_more %v", len(p.Data), p.HasMore)
	}
}

func TestFaultOrderAndPathMatching(t *testing.T) {
	s := newServer(t, Options{})
	s.LoadSampleOrganization()
	s.Inject(Fault{Kind: FaultStatus, Status: 500, Path: "/organization/projects"})
	s.Inject(Fault{Kind: FaultStatus, Status: 502})
	s.Inject(Fault{Kind: FaultStatus, Status: 503})
	// The first request matches only the catch-all faults; the earliest wins.
	if r := get(t, s, adminKeysPath, nil); r.status != 502 {
		t.Fatalf("first admin request: %d, want 502", r.status)
	}
	// A project key listing matches the project fault, injected first.
	if r := get(t, s, "/organization/projects/proj_Hz2Rm7Kd0Fp5Qy9A/api_keys", nil); r.status != 500 {
		t.Fatalf("project request: %d, want 500", r.status)
	}
	if r := get(t, s, "/organization/projects", nil); r.status != 503 {
		t.Fatalf("third request: %d, want 503", r.status)
	}
	if r := get(t, s, "/organization/projects", nil); r.status != 200 {
		t.Fatalf("fourth request: %d, want 200", r.status)
	}
}

func TestFaultsSkipUnauthorisedRequests(t *testing.T) {
	s := newServer(t, Options{})
	s.Inject(Fault{Kind: FaultStatus, Status: 500})
	if r := do(t, s, http.MethodGet, adminKeysPath, nil, ""); r.status != 401 {
		t.Fatalf("unauthorised: %d", r.status)
	}
	if r := get(t, s, adminKeysPath, nil); r.status != 500 {
		t.Fatalf("fault was used up by an unauthorised request: %d", r.status)
	}
}

func TestFaultOmitIDOnOtherLists(t *testing.T) {
	s := newServer(t, Options{})
	s.LoadSampleOrganization()
	s.Inject(Fault{Kind: FaultOmitID, Times: 2})
	p := decodeList(t, get(t, s, "/organization/projects", url.Values{"include_archived": {"true"}}))
	if got := ids(t, p); len(got) != 3 || got[0] == "" || got[2] != "" {
		t.Errorf("projects: %v", got)
	}
	p = decodeList(t, get(t, s, "/organization/projects/proj_Hz2Rm7Kd0Fp5Qy9A/api_keys", nil))
	if got := ids(t, p); len(got) != 4 || got[0] == "" || got[3] != "" {
		t.Errorf("project keys: %v", got)
	}
}

func TestFaultDropConnection(t *testing.T) {
	s := newServer(t, Options{})
	s.SeedAdminKeys(3)
	// Warm a keep-alive connection so the drop hits a reused one, where
	// net/http would retry an empty drop behind the client's back.
	get(t, s, adminKeysPath, nil)
	s.Inject(Fault{Kind: FaultDropConnection, Times: 2})
	for i := range 2 {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+adminKeysPath, nil)
		req.Header.Set("Authorization", "Bearer "+DefaultAdminKey)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = res.Body.Close()
			t.Fatalf("drop %d: got status %d, want a connection error", i, res.StatusCode)
		}
	}
	if r := get(t, s, adminKeysPath, nil); r.status != 200 {
		t.Fatalf("after the drops: %d", r.status)
	}
	log := s.Requests()
	if len(log) != 4 || log[1].Status != 0 || log[2].Status != 0 || log[3].Status != 200 {
		t.Fatalf("log %+v, want 4 requests with the two drops at status 0", log)
	}
}

func TestFaultHangEndsWhenClientCancels(t *testing.T) {
	s := newServer(t, Options{})
	s.SeedAdminKeys(3)
	s.Inject(Fault{Kind: FaultHang})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the request is on the wire; the server then sees the
	// connection close and the hang must end.
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { cancel() }})
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+adminKeysPath, nil)
	req.Header.Set("Authorization", "Bearer "+DefaultAdminKey)
	res, err := http.DefaultClient.Do(req)
	if err == nil {
		_ = res.Body.Close()
		t.Fatalf("hang answered %d", res.StatusCode)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if r := get(t, s, adminKeysPath, nil); r.status != 200 {
		t.Fatalf("after the hang: %d", r.status)
	}
}

// statusWriter records whether a handler wrote anything.
type statusWriter struct {
	header http.Header
	status int
	wrote  bool
}

func (w *statusWriter) Header() http.Header         { return w.header }
func (w *statusWriter) WriteHeader(status int)      { w.status, w.wrote = status, true }
func (w *statusWriter) Write(b []byte) (int, error) { w.wrote = true; return len(b), nil }

func TestFaultHangAndLatencyWriteNothingForAGoneClient(t *testing.T) {
	for _, f := range []Fault{{Kind: FaultHang}, {Kind: FaultLatency, Latency: time.Hour}} {
		clock := NewFakeClock(time.Unix(0, 0))
		s := NewHandler(Options{Clock: clock})
		s.Inject(f)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/v1"+adminKeysPath, nil)
		req.Header.Set("Authorization", "Bearer "+DefaultAdminKey)
		w := &statusWriter{header: http.Header{}}
		s.Handler().ServeHTTP(w, req)
		if w.wrote {
			t.Errorf("%v: wrote status %d to a gone client", f.Kind, w.status)
		}
		if log := s.Requests(); len(log) != 1 || log[0].Status != 0 {
			t.Errorf("%v: log %+v", f.Kind, log)
		}
		if clock.Now() != time.Unix(0, 0) {
			t.Errorf("%v: a cancelled latency moved the clock", f.Kind)
		}
	}
}

func TestCloseReleasesHangingRequests(t *testing.T) {
	s := NewHandler(Options{})
	s.Inject(Fault{Kind: FaultHang})
	done := make(chan any)
	go func() {
		defer func() { done <- recover() }()
		req := httptest.NewRequest(http.MethodGet, "/v1"+adminKeysPath, nil)
		req.Header.Set("Authorization", "Bearer "+DefaultAdminKey)
		s.Handler().ServeHTTP(httptest.NewRecorder(), req)
	}()
	s.Close()
	// The handler aborts the connection rather than send an empty 200.
	got := <-done
	if err, _ := got.(error); !errors.Is(err, http.ErrAbortHandler) {
		t.Fatalf("hanging handler ended with %v, want http.ErrAbortHandler", got)
	}
}

func TestUnknownFaultKindPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "FaultKind(42)") {
			t.Fatalf("recovered %v", r)
		}
	}()
	NewHandler(Options{}).Inject(Fault{Kind: 42})
}

func TestMalformedBodyIsCutOff(t *testing.T) {
	var v any
	err := json.Unmarshal([]byte(malformedBody), &v)
	if !errors.Is(err, io.ErrUnexpectedEOF) && (err == nil || !strings.Contains(err.Error(), "unexpected end")) {
		t.Fatalf("malformed body error %v, want an unexpected end", err)
	}
}

// A gated fault holds its requests until the gate opens, then applies; the
// test learns when the first arrived.
func TestGateHoldsUntilOpened(t *testing.T) {
	s := newServer(t, Options{})
	s.SeedAdminKeys(3)
	gate := NewGate()
	s.Inject(Fault{Kind: FaultStatus, Status: 503, Gate: gate})
	answered := make(chan response)
	go func() { answered <- get(t, s, adminKeysPath, nil) }()
	<-gate.Arrived()
	select {
	case r := <-answered:
		t.Fatalf("answered %d before the gate opened", r.status)
	default:
	}
	gate.Open()
	if r := <-answered; r.status != 503 {
		t.Fatalf("through the gate: %d, want the fault's 503", r.status)
	}
	select {
	case <-gate.Abandoned():
		t.Fatal("an answered request counts as abandoned")
	default:
	}
}

// A request its client cancels at the gate is abandoned, and says so.
func TestGateAbandonedByTheClient(t *testing.T) {
	s := newServer(t, Options{})
	s.SeedAdminKeys(3)
	gate := NewGate()
	s.Inject(Fault{Kind: FaultLatency, Gate: gate})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	failed := make(chan error)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL()+adminKeysPath, nil)
		req.Header.Set("Authorization", "Bearer "+DefaultAdminKey)
		res, err := http.DefaultClient.Do(req)
		if err == nil {
			_ = res.Body.Close()
		}
		failed <- err
	}()
	<-gate.Arrived()
	cancel()
	<-gate.Abandoned()
	if err := <-failed; !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	gate.Open()
	if r := get(t, s, adminKeysPath, nil); r.status != 200 {
		t.Fatalf("after the gate: %d", r.status)
	}
}
