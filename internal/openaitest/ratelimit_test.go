package openaitest

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"
)

func TestRateLimitSlidingWindow(t *testing.T) {
	clock := NewFakeClock(time.Unix(1_800_000_000, 0))
	s := newServer(t, Options{Clock: clock, RateLimitPerMinute: 3})
	s.SeedAdminKeys(2)
	for i := range 3 {
		if r := get(t, s, adminKeysPath, nil); r.status != http.StatusOK {
			t.Fatalf("request %d: status %d", i+1, r.status)
		}
		clock.Advance(10 * time.Second)
	}
	// Unauthorised requests are refused before the limiter and do not count.
	if r := do(t, s, http.MethodGet, adminKeysPath, nil, ""); r.status != http.StatusUnauthorized {
		t.Fatalf("unauthorised: %d", r.status)
	}
	// The window now holds requests at 0 s, 10 s and 20 s; it is 30 s.
	r := get(t, s, adminKeysPath, nil)
	e := decodeEnvelope(t, r, http.StatusTooManyRequests)
	if str(e.Error.Code) != "rate_limit_exceeded" || r.header.Get("x-request-id") == "" {
		t.Fatalf("429 envelope %s", r.body)
	}
	for _, h := range []string{"retry-after", "retry-after-ms"} {
		if v := r.header.Get(h); v != "" {
			t.Fatalf("429 without hints carries %s: %s", h, v)
		}
	}
	// Refused requests do not count: at 59.999 s the first admission is still in.
	clock.Advance(29*time.Second + 999*time.Millisecond)
	if r := get(t, s, adminKeysPath, nil); r.status != http.StatusTooManyRequests {
		t.Fatalf("just before the first request leaves the window: %d", r.status)
	}
	clock.Advance(time.Millisecond)
	if r := get(t, s, adminKeysPath, nil); r.status != http.StatusOK {
		t.Fatalf("60 s after the first request: %d", r.status)
	}
	if r := get(t, s, adminKeysPath, nil); r.status != http.StatusTooManyRequests {
		t.Fatalf("window full again: %d", r.status)
	}
	clock.Advance(time.Minute)
	for i := range 3 {
		if r := get(t, s, adminKeysPath, nil); r.status != http.StatusOK {
			t.Fatalf("after a quiet minute, request %d: %d", i+1, r.status)
		}
	}
	statuses := map[int]int{}
	for _, req := range s.Requests() {
		statuses[req.Status]++
	}
	if statuses[200] != 7 || statuses[429] != 3 || statuses[401] != 1 {
		t.Fatalf("statuses %v", statuses)
	}
}

func TestRateLimitHints(t *testing.T) {
	clock := NewFakeClock(time.Unix(1_800_000_000, 0))
	s := newServer(t, Options{Clock: clock, RateLimitPerMinute: 2, RateLimitHints: true})
	get(t, s, adminKeysPath, nil)
	clock.Advance(10 * time.Second)
	get(t, s, adminKeysPath, nil)
	clock.Advance(500 * time.Millisecond)
	r := get(t, s, adminKeysPath, nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("retry-after-ms") != "49500" {
		t.Fatalf("status %d retry-after-ms %q, want 429 and 49500", r.status, r.header.Get("retry-after-ms"))
	}
	clock.Advance(49*time.Second + 499*time.Millisecond + 250*time.Microsecond)
	r = get(t, s, adminKeysPath, nil)
	if got := r.header.Get("retry-after-ms"); got != "0.75" {
		t.Fatalf("retry-after-ms %q, want 0.75", got)
	}
	// Sleeping exactly the hint on the shared clock frees the slot.
	if err := clock.Sleep(t.Context(), 750*time.Microsecond); err != nil {
		t.Fatal(err)
	}
	if r := get(t, s, adminKeysPath, nil); r.status != http.StatusOK {
		t.Fatalf("after waiting the hint: %d", r.status)
	}
}

func TestRateLimitCountsFaultedRequests(t *testing.T) {
	clock := NewFakeClock(time.Unix(1_800_000_000, 0))
	s := newServer(t, Options{Clock: clock, RateLimitPerMinute: 1})
	s.Inject(Fault{Kind: FaultStatus, Status: 500, Times: 2})
	if r := get(t, s, adminKeysPath, nil); r.status != 500 {
		t.Fatalf("first: %d", r.status)
	}
	// The limiter runs before faults, so this 429 leaves the second fault queued.
	if r := get(t, s, adminKeysPath, nil); r.status != 429 {
		t.Fatalf("second: %d", r.status)
	}
	clock.Advance(time.Minute)
	if r := get(t, s, adminKeysPath, nil); r.status != 500 {
		t.Fatalf("third: %d, want the remaining fault", r.status)
	}
}

func TestTokenBucketRateLimit(t *testing.T) {
	clock := NewFakeClock(time.Unix(1_700_000_000, 0))
	s := NewServer(Options{Clock: clock, RateLimitPerMinute: 600, RateLimitBurst: 2, RateLimitHints: true})
	defer s.Close()
	s.SeedAdminKeys(1)
	status := func() (int, string) {
		r := get(t, s, "/organization/admin_api_keys", nil)
		return r.status, r.header.Get("retry-after-ms")
	}
	// The burst passes, the next request waits for a token: 100 ms at 600 a minute.
	for i := range 2 {
		if code, _ := status(); code != 200 {
			t.Fatalf("request %d of the burst: %d", i, code)
		}
	}
	if code, hint := status(); code != 429 || hint != "100" {
		t.Fatalf("after the burst: %d with retry-after-ms %q, want 429 and 100", code, hint)
	}
	clock.Advance(50 * time.Millisecond)
	if code, hint := status(); code != 429 || hint != "50" {
		t.Fatalf("half a token later: %d with retry-after-ms %q, want 429 and 50", code, hint)
	}
	clock.Advance(50 * time.Millisecond)
	if code, _ := status(); code != 200 {
		t.Fatalf("a token later: %d, want 200", code)
	}
}

func TestFixedWindowRateLimit(t *testing.T) {
	clock := NewFakeClock(time.Unix(1_800_000_000, 0))
	// 10 requests per 2.5 s, counted in windows that start at the first request.
	s := newServer(t, Options{Clock: clock, RateLimitRequests: 10, RateLimitWindow: 2500 * time.Millisecond,
		RateLimitShape: FixedWindow, RateLimitHeaders: true})
	for i := range 10 {
		r := get(t, s, adminKeysPath, nil)
		if r.status != http.StatusOK {
			t.Fatalf("request %d of the window: %d", i+1, r.status)
		}
		if got, want := r.header.Get("x-ratelimit-remaining-requests"), fmt.Sprint(9-i); got != want {
			t.Fatalf("request %d: remaining %q, want %s", i+1, got, want)
		}
		clock.Advance(100 * time.Millisecond)
	}
	// At 1 s the window is spent until 2.5 s; a fixed window does not slide.
	r := get(t, s, adminKeysPath, nil)
	if r.status != http.StatusTooManyRequests {
		t.Fatalf("11th request in the window: %d", r.status)
	}
	if got := r.header.Get("x-ratelimit-reset-requests"); got != "1.5s" {
		t.Fatalf("reset on the 429: %q, want 1.5s", got)
	}
	if r.header.Get("x-ratelimit-limit-requests") != "10" || r.header.Get("x-ratelimit-remaining-requests") != "0" {
		t.Fatalf("limit %q remaining %q on the 429", r.header.Get("x-ratelimit-limit-requests"), r.header.Get("x-ratelimit-remaining-requests"))
	}
	clock.Advance(1499 * time.Millisecond)
	if r := get(t, s, adminKeysPath, nil); r.status != http.StatusTooManyRequests {
		t.Fatalf("1 ms before the window ends: %d", r.status)
	}
	clock.Advance(time.Millisecond)
	for i := range 10 {
		if r := get(t, s, adminKeysPath, nil); r.status != http.StatusOK {
			t.Fatalf("request %d of the next window: %d", i+1, r.status)
		}
	}
	if r := get(t, s, adminKeysPath, nil); r.status != http.StatusTooManyRequests {
		t.Fatalf("the next window is spent too: %d", r.status)
	}
}

// An aligned window counts from multiples of its length, not from the first
// request: a client that starts late in a window gets its next burst sooner.
func TestAlignedWindowRateLimit(t *testing.T) {
	// 1,800,000,002 s is 2 s into a 2.5 s window: the next begins 0.5 s on.
	clock := NewFakeClock(time.Unix(1_800_000_002, 0))
	s := newServer(t, Options{Clock: clock, RateLimitRequests: 10, RateLimitWindow: 2500 * time.Millisecond,
		RateLimitShape: AlignedWindow, RateLimitHeaders: true})
	for i := range 10 {
		if r := get(t, s, adminKeysPath, nil); r.status != http.StatusOK {
			t.Fatalf("request %d of the window: %d", i+1, r.status)
		}
	}
	r := get(t, s, adminKeysPath, nil)
	if r.status != http.StatusTooManyRequests || r.header.Get("x-ratelimit-reset-requests") != "500ms" {
		t.Fatalf("11th request: %d with reset %q, want 429 and 500ms", r.status, r.header.Get("x-ratelimit-reset-requests"))
	}
	clock.Advance(500 * time.Millisecond)
	for i := range 10 {
		if r := get(t, s, adminKeysPath, nil); r.status != http.StatusOK {
			t.Fatalf("request %d of the next window: %d", i+1, r.status)
		}
	}
	if r := get(t, s, adminKeysPath, nil); r.status != http.StatusTooManyRequests {
		t.Fatalf("the next window is spent too: %d", r.status)
	}
}

func TestRateLimitHeadersPerShape(t *testing.T) {
	for _, tc := range []struct {
		shape RateLimitShape
		burst int
		// After 3 requests at 0 s, 1 s and 2 s of a 4-per-10-s limit.
		limit, remaining, reset string
	}{
		{SlidingWindow, 0, "4", "1", "10s"}, // until the request at 2 s leaves
		{FixedWindow, 0, "4", "1", "8s"},    // until the window that began at 0 s ends
		{TokenBucket, 4, "4", "1", "5.5s"},  // 4 - 3 + 2 × 0.4 = 1.8 tokens left; 2.2 × 2.5 s to refill
	} {
		t.Run(tc.shape.String(), func(t *testing.T) {
			clock := NewFakeClock(time.Unix(1_800_000_000, 0))
			s := newServer(t, Options{Clock: clock, RateLimitRequests: 4, RateLimitWindow: 10 * time.Second,
				RateLimitShape: tc.shape, RateLimitBurst: tc.burst, RateLimitHeaders: true})
			var r response
			for i := range 3 {
				if i > 0 {
					clock.Advance(time.Second)
				}
				r = get(t, s, adminKeysPath, nil)
			}
			if r.status != http.StatusOK {
				t.Fatalf("status %d", r.status)
			}
			got := []string{r.header.Get("x-ratelimit-limit-requests"), r.header.Get("x-ratelimit-remaining-requests"), r.header.Get("x-ratelimit-reset-requests")}
			if want := []string{tc.limit, tc.remaining, tc.reset}; !slices.Equal(got, want) {
				t.Fatalf("limit, remaining, reset = %q, want %q", got, want)
			}
		})
	}
	// Without the option, no headers.
	clock := NewFakeClock(time.Unix(1_800_000_000, 0))
	s := newServer(t, Options{Clock: clock, RateLimitPerMinute: 4})
	if r := get(t, s, adminKeysPath, nil); r.header.Get("x-ratelimit-remaining-requests") != "" {
		t.Fatal("headers sent without RateLimitHeaders")
	}
}
