package client

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"
)

// RateLimitStats collects what the requests made with a context spent on
// rate limits. It is safe for concurrent use; the zero value is ready.
type RateLimitStats struct {
	mu        sync.Mutex
	waited    time.Duration
	tooMany   int
	requests  int
	answered  int
	suggested int
}

// RateLimitSnapshot is what RateLimitStats collected so far.
type RateLimitSnapshot struct {
	// Waited is the time spent waiting for rate limits: pacing before each
	// attempt and the waits before retrying a 429.
	Waited time.Duration
	// TooManyRequests counts the 429 responses received.
	TooManyRequests int
	// Requests counts the attempts sent, retries included.
	Requests int
	// Answered counts the requests that succeeded: the pages read.
	Answered int
	// SuggestedMaxRequestsPerMinute is the max_requests_per_minute that
	// would have avoided the 429s, from the limit the client learned or was
	// told; 0 when none is known.
	SuggestedMaxRequestsPerMinute int
}

type statsKey struct{}

// WithRateLimitStats returns a context whose requests record into s.
func WithRateLimitStats(ctx context.Context, s *RateLimitStats) context.Context {
	return context.WithValue(ctx, statsKey{}, s)
}

// RateLimitStatsFrom returns the stats that ctx's requests record into, or
// nil when there are none.
func RateLimitStatsFrom(ctx context.Context) *RateLimitStats {
	s, _ := ctx.Value(statsKey{}).(*RateLimitStats)
	return s
}

// Add counts what another set of requests spent, such as those of a sweep
// that several readers shared, as spent by s's requests too. A nil s ignores
// it.
func (s *RateLimitStats) Add(o RateLimitSnapshot) {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waited += o.Waited
	s.tooMany += o.TooManyRequests
	s.requests += o.Requests
	s.answered += o.Answered
	if o.SuggestedMaxRequestsPerMinute > 0 {
		s.suggested = o.SuggestedMaxRequestsPerMinute
	}
}

// Snapshot returns what was collected so far.
func (s *RateLimitStats) Snapshot() RateLimitSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return RateLimitSnapshot{
		Waited:                        s.waited,
		TooManyRequests:               s.tooMany,
		Requests:                      s.requests,
		Answered:                      s.answered,
		SuggestedMaxRequestsPerMinute: s.suggested,
	}
}

func (s *RateLimitStats) addWait(d time.Duration) {
	if s == nil || d <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waited += d
}

func (s *RateLimitStats) addRequest() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
}

func (s *RateLimitStats) addAnswered() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answered++
}

func (s *RateLimitStats) addTooMany() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tooMany++
}

func (s *RateLimitStats) suggest(perMinute int) {
	if s == nil || perMinute <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.suggested = perMinute
}

// suggestPerMinute rounds a learned rate down to a cap that stays under it.
func suggestPerMinute(perMinute float64) int {
	if perMinute <= 0 || math.IsInf(perMinute, 0) || math.IsNaN(perMinute) {
		return 0
	}
	return max(1, int(math.Floor(perMinute)))
}

// RateLimitError is a request that spent its wait budget (Config.MaxRetryWait)
// on rate limits. IsRateLimited is true for it.
type RateLimitError struct {
	Method, Path string
	// Waited is the time the request spent waiting for rate limits.
	Waited time.Duration
	// Budget is Config.MaxRetryWait.
	Budget time.Duration
	// LearnedPerMinute is the rate, in requests a minute, that the client
	// learned the API accepts, from its 429s or its x-ratelimit headers; 0
	// when nothing was learned. When the budget ran out before the limiter
	// first recovered, it is an upper bound: the requests accepted before
	// the first 429, over the time since the first of them.
	LearnedPerMinute float64
	// SuggestedMaxRequestsPerMinute is the max_requests_per_minute that
	// paces under the learned limit, or 0 when none was learned.
	SuggestedMaxRequestsPerMinute int
	// Err is the last 429 as an *APIError, or nil when the client gave up
	// before sending because the wait alone would have exceeded the budget.
	Err error
}

func (e *RateLimitError) Error() string {
	msg := fmt.Sprintf("%s %s: rate limited: waited %s of the %s budget", e.Method, e.Path, e.Waited.Round(time.Millisecond), e.Budget)
	if e.LearnedPerMinute > 0 {
		msg += fmt.Sprintf("; learned limit about %.1f requests a minute", e.LearnedPerMinute)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *RateLimitError) Unwrap() error { return e.Err }

// AsRateLimitError returns the *RateLimitError in err's chain, if any.
func AsRateLimitError(err error) (*RateLimitError, bool) {
	var rlErr *RateLimitError
	ok := errors.As(err, &rlErr)
	return rlErr, ok
}
