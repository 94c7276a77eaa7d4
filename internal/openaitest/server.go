// Package openaitest is an in-process fake of the OpenAI Admin API, faithful to
// the contract in shared/openai-admin-api.md. Client and acceptance tests run
// against it; it injects the faults, rate limits and odd-but-legal responses the
// real API has been seen to produce, and logs every request so tests can count.
package openaitest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultAdminKey is the bearer token the fake accepts unless Options says otherwise.
const DefaultAdminKey = "sk-admin-fake-0123456789abcdef"

// Options configures a fake server. The zero value is a sensible default; the
// fields mostly answer the contract's open questions one way or the other.
type Options struct {
	AdminKey string // The only bearer token accepted; default DefaultAdminKey.
	Clock    Clock  // Default RealClock{}.
	// LimitOutOfRange is "error" (the default: a 400 envelope with param
	// "limit") or "clamp" (clamp to 1..100). A limit that is not an integer is
	// a 400 either way.
	LimitOutOfRange string
	// OmitNullExpiresAt makes never-expiring keys omit expires_at instead of
	// sending null, as older responses did.
	OmitNullExpiresAt bool
	// MissingScopeStatus is the status of FaultMissingScope: 403 (default) or 401.
	MissingScopeStatus int
	// RateLimitPerMinute admits at most this many requests a minute; 0 means
	// unlimited unless RateLimitRequests is set. Refused requests get a 429
	// envelope without retry-after headers, like the real admin API, and do
	// not count. It is shorthand for RateLimitRequests with a one-minute
	// RateLimitWindow.
	RateLimitPerMinute int
	// RateLimitRequests and RateLimitWindow admit this many requests per
	// window (default one minute), in the shape RateLimitShape says, so that
	// "10 requests per 2.5 s" can be expressed. They win over RateLimitPerMinute.
	RateLimitRequests int
	RateLimitWindow   time.Duration
	// RateLimitShape is the limiter's shape. The zero value is a sliding
	// window, or a token bucket when RateLimitBurst is positive.
	RateLimitShape RateLimitShape
	// RateLimitBurst, when positive, replaces the sliding window by a token
	// bucket of this many requests refilled at the limit's rate: requests
	// are then spread evenly, at most a burst at a time. With
	// RateLimitShape TokenBucket it defaults to 1.
	RateLimitBurst int
	// RateLimitHints adds retry-after-ms with the exact wait until a slot
	// frees to rate-limit 429s.
	RateLimitHints bool
	// ListIDs says how list envelopes carry first_id and last_id, which the
	// schema makes optional and nullable: ListIDsSet (the default) sends the
	// first and last element's ids, ListIDsNull sends null, ListIDsOmitted
	// leaves both out.
	ListIDs ListIDs
	// UnknownFields adds fields the schema does not name to every object and
	// list envelope; clients must ignore them.
	UnknownFields bool
	// RateLimitHeaders adds x-ratelimit-limit-requests,
	// x-ratelimit-remaining-requests and x-ratelimit-reset-requests to every
	// admitted response and to rate-limit 429s, computed from the limiter:
	// the reset is the time until the limiter is back to its initial state
	// (an empty window, a full bucket), rounded up to the millisecond.
	RateLimitHeaders bool
	// AdminListingHoldsProjectKeys makes GET /organization/admin_api_keys
	// (and GET /organization/admin_api_keys/{id}) serve every project's keys
	// beside the admin keys, archived projects' included, as the API's
	// published description says it does ("List all organization and project
	// API keys") and as tools that run against the real API report: each is
	// labelled organization.admin_api_key, keeps the id the project's own
	// listing gives, has a flat owner (type, object, id, name, created_at,
	// role; no email) and never expires. Without it the listing holds admin
	// keys only, as the endpoint's name suggests.
	AdminListingHoldsProjectKeys bool
}

// ListIDs is how list envelopes carry first_id and last_id.
type ListIDs int

// The forms of Options.ListIDs.
const (
	ListIDsSet ListIDs = iota
	ListIDsNull
	ListIDsOmitted
)

// Server is the fake. All its methods are safe for concurrent use.
type Server struct {
	opts  Options
	clock Clock
	ts    *httptest.Server

	// done is cancelled by Close so hanging and sleeping handlers let go.
	done   context.Context
	cancel context.CancelFunc

	reqSeq atomic.Uint64
	conns  atomic.Int64 // connections accepted

	dataMu    sync.RWMutex
	adminKeys []AdminKey // The organization's admin keys, by created_at.
	// keys, keyJSON and keyIndex are the admin key listing as served, which
	// may hold project keys too (Options.AdminListingHoldsProjectKeys).
	keys         []AdminKey
	keyJSON      [][]byte
	keyIndex     map[string]int
	projects     []*projectState
	projectIndex map[string]int
	users        []User
	userIndex    map[string]int

	faultMu sync.Mutex
	faults  []*pendingFault

	logMu sync.Mutex
	log   []*Request

	rateMu  sync.Mutex
	limiter limiter
}

type projectState struct {
	p        Project
	keys     []ProjectKey
	keyIndex map[string]int
}

// Request is one request as the fake saw it.
type Request struct {
	Method, Path string // Path is without the /v1 prefix, e.g. "/organization/admin_api_keys".
	Query        url.Values
	AuthSent     bool // An Authorization header was present.
	Authorized   bool // It was exactly "Bearer " + AdminKey.
	UserAgent    string
	Status       int // Status written (0 for a dropped or abandoned connection).
	RequestID    string
}

// NewServer starts the fake on a random 127.0.0.1 port. Close it when done.
func NewServer(opts Options) *Server {
	s := NewHandler(opts)
	s.ts = httptest.NewUnstartedServer(s.Handler())
	s.ts.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.ts.Start()
	return s
}

// Connections is how many connections the server has accepted: clients that
// reuse them open few.
func (s *Server) Connections() int {
	return int(s.conns.Load())
}

// NewHandler builds the fake without listening; serve s.Handler() yourself.
// URL returns "" for such a server.
func NewHandler(opts Options) *Server {
	if opts.AdminKey == "" {
		opts.AdminKey = DefaultAdminKey
	}
	if opts.Clock == nil {
		opts.Clock = RealClock{}
	}
	switch opts.LimitOutOfRange {
	case "":
		opts.LimitOutOfRange = "error"
	case "error", "clamp":
	default:
		// A typo here would silently test the wrong behaviour.
		panic(fmt.Sprintf("openaitest: LimitOutOfRange must be \"error\" or \"clamp\", not %q", opts.LimitOutOfRange))
	}
	if opts.MissingScopeStatus == 0 {
		opts.MissingScopeStatus = http.StatusForbidden
	}
	s := &Server{
		opts:         opts,
		limiter:      newLimiter(opts),
		clock:        opts.Clock,
		keyIndex:     map[string]int{},
		projectIndex: map[string]int{},
		userIndex:    map[string]int{},
	}
	s.done, s.cancel = context.WithCancel(context.Background())
	return s
}

// URL is the base URL clients use, ending in "/v1" without a trailing slash.
func (s *Server) URL() string {
	if s.ts == nil {
		return ""
	}
	return s.ts.URL + "/v1"
}

// Handler serves the fake API, routes under /v1.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(s.serve)
}

// Close releases hanging requests and, for NewServer, stops listening.
func (s *Server) Close() {
	s.cancel()
	if s.ts != nil {
		s.ts.Close()
	}
}

// Requests returns a copy of the request log in arrival order.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		out[i] = *r
		out[i].Query = cloneValues(r.Query)
	}
	return out
}

// CountRequests counts logged requests whose Path is exactly path.
func (s *Server) CountRequests(path string) int {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	n := 0
	for _, r := range s.log {
		if r.Path == path {
			n++
		}
	}
	return n
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = nil
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// responder writes one response and records its status in the log.
type responder struct {
	s       *Server
	w       http.ResponseWriter
	rec     *Request
	headers map[string]string // Set by a fault; applied last so they can override.
}

func (rw *responder) write(status int, body []byte) {
	h := rw.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Request-Id", rw.rec.RequestID)
	for k, v := range rw.headers {
		h.Set(k, v)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	// Log the status before the client can see the response, so that a test
	// reading the log right after its last request finds it.
	rw.s.logMu.Lock()
	rw.rec.Status = status
	rw.s.logMu.Unlock()
	rw.w.WriteHeader(status)
	_, _ = rw.w.Write(body)
}

func (rw *responder) fail(e *apiError) {
	rw.write(e.status, e.body())
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	path, underV1 := apiPath(r.URL.Path)
	rec := &Request{
		Method:    r.Method,
		Path:      path,
		Query:     r.URL.Query(),
		AuthSent:  len(r.Header.Values("Authorization")) > 0,
		UserAgent: r.UserAgent(),
		RequestID: "req_" + strconv.FormatUint(s.reqSeq.Add(1), 10),
	}
	auth := r.Header.Get("Authorization")
	rec.Authorized = auth == "Bearer "+s.opts.AdminKey
	s.logMu.Lock()
	s.log = append(s.log, rec)
	s.logMu.Unlock()

	rw := &responder{s: s, w: w, rec: rec}
	if !rec.Authorized {
		rw.fail(authError(auth))
		return
	}
	wait, ok, state := s.admit()
	if state != nil && s.opts.RateLimitHeaders {
		rw.headers = state.headers()
	}
	if !ok {
		if s.opts.RateLimitHints {
			if rw.headers == nil {
				rw.headers = map[string]string{}
			}
			rw.headers["retry-after-ms"] = formatMillis(wait)
		}
		rw.fail(&apiError{
			status:  http.StatusTooManyRequests,
			message: fmt.Sprintf("Rate limit reached for admin API requests per min (RPM): Limit %d, Used %d, Requested 1.", s.limiter.limit, s.limiter.limit),
			typ:     "requests",
			code:    ptr("rate_limit_exceeded"),
		})
		return
	}
	var m mods
	if f, ok := s.takeFault(path); ok {
		var done bool
		if m, done = s.applyFault(rw, r, f); done {
			return
		}
	}
	if !underV1 {
		rw.fail(invalidURL(r))
		return
	}
	s.route(rw, r, m)
}

// apiPath strips the /v1 prefix; the bool says whether it was there.
func apiPath(p string) (string, bool) {
	if p == "/v1" {
		return "", true
	}
	if rest, ok := strings.CutPrefix(p, "/v1/"); ok {
		return "/" + rest, true
	}
	return p, false
}

// formatMillis renders d as the float milliseconds retry-after-ms carries.
func formatMillis(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', -1, 64)
}

func ptr[T any](v T) *T { return &v }
