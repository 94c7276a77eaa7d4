package openaitest

import (
	"fmt"
	"strconv"
	"time"
)

// RateLimitShape is the shape of the fake's rate limiter. Nobody outside
// OpenAI knows the real one, so clients are tested against each.
type RateLimitShape int

const (
	// SlidingWindow admits at most the limit in any span of the window.
	SlidingWindow RateLimitShape = iota
	// FixedWindow admits at most the limit per window; windows follow each
	// other from the first request the limiter sees.
	FixedWindow
	// TokenBucket refills the limit's rate continuously into a bucket of
	// RateLimitBurst requests (default 1), full at the start.
	TokenBucket
	// AlignedWindow admits at most the limit per window, windows aligned to
	// the clock (multiples of the window since the zero time), as a counter
	// keyed by the current window is: the first request may come late in
	// its window.
	AlignedWindow
)

var shapeNames = [...]string{"sliding window", "fixed window", "token bucket", "aligned window"}

func (s RateLimitShape) String() string {
	if s >= 0 && int(s) < len(shapeNames) {
		return shapeNames[s]
	}
	return fmt.Sprintf("RateLimitShape(%d)", int(s))
}

// limiter is the fake's rate limiter, guarded by Server.rateMu.
type limiter struct {
	shape  RateLimitShape
	limit  int           // requests per window; 0 means unlimited
	window time.Duration // window, or the time the bucket takes to refill limit tokens
	burst  int           // token bucket capacity

	tokens   float64     // token bucket: requests available now
	refilled time.Time   // token bucket: when tokens was last brought up to date
	admitted []time.Time // sliding window: admissions inside the window, oldest first
	start    time.Time   // fixed window: start of the current window
	count    int         // fixed window: admissions in the current window
}

// limitState is what the limiter says about itself after a decision.
type limitState struct {
	limit     int           // x-ratelimit-limit-requests
	remaining int           // x-ratelimit-remaining-requests
	reset     time.Duration // x-ratelimit-reset-requests: until the initial state
}

func newLimiter(opts Options) limiter {
	l := limiter{limit: opts.RateLimitRequests, window: opts.RateLimitWindow, shape: opts.RateLimitShape, burst: opts.RateLimitBurst}
	if l.limit <= 0 {
		l.limit = opts.RateLimitPerMinute
	}
	if l.window <= 0 {
		l.window = time.Minute
	}
	if l.shape == SlidingWindow && l.burst > 0 {
		l.shape = TokenBucket
	}
	if l.shape == TokenBucket && l.burst <= 0 {
		l.burst = 1
	}
	return l
}

// admit applies the rate limit. When it refuses, it returns how long until a
// request would be admitted. The state is nil when there is no limit.
func (s *Server) admit() (time.Duration, bool, *limitState) {
	if s.limiter.limit <= 0 {
		return 0, true, nil
	}
	s.rateMu.Lock()
	defer s.rateMu.Unlock()
	// Read the clock under the lock so admissions stay in order.
	wait, ok, st := s.limiter.admit(s.clock.Now())
	return wait, ok, &st
}

func (l *limiter) admit(now time.Time) (time.Duration, bool, limitState) {
	st := limitState{limit: l.limit}
	switch l.shape {
	case TokenBucket:
		perToken := l.window / time.Duration(l.limit)
		if l.refilled.IsZero() {
			l.tokens, l.refilled = float64(l.burst), now
		}
		l.tokens = min(float64(l.burst), l.tokens+float64(now.Sub(l.refilled))/float64(perToken))
		l.refilled = now
		wait, ok := time.Duration(0), l.tokens >= 1
		if ok {
			l.tokens--
		} else {
			wait = time.Duration((1 - l.tokens) * float64(perToken))
		}
		st.limit, st.remaining = l.burst, int(l.tokens)
		st.reset = time.Duration((float64(l.burst) - l.tokens) * float64(perToken))
		return wait, ok, st
	case FixedWindow, AlignedWindow:
		if l.start.IsZero() {
			l.start = now
			if l.shape == AlignedWindow {
				l.start = now.Truncate(l.window)
			}
		}
		if elapsed := now.Sub(l.start); elapsed >= l.window {
			l.start = l.start.Add(elapsed - elapsed%l.window)
			l.count = 0
		}
		end := l.start.Add(l.window)
		ok := l.count < l.limit
		if ok {
			l.count++
		}
		st.remaining = l.limit - l.count
		if l.count > 0 {
			st.reset = end.Sub(now)
		}
		if ok {
			return 0, true, st
		}
		return end.Sub(now), false, st
	}
	cutoff := now.Add(-l.window)
	i := 0
	for i < len(l.admitted) && !l.admitted[i].After(cutoff) {
		i++
	}
	l.admitted = l.admitted[i:]
	ok := len(l.admitted) < l.limit
	if ok {
		l.admitted = append(l.admitted, now)
	}
	st.remaining = l.limit - len(l.admitted)
	if n := len(l.admitted); n > 0 {
		st.reset = l.admitted[n-1].Add(l.window).Sub(now)
	}
	if ok {
		return 0, true, st
	}
	return l.admitted[0].Add(l.window).Sub(now), false, st
}

// headers renders the state as the x-ratelimit-* headers the inference
// endpoints send.
func (st *limitState) headers() map[string]string {
	reset := (st.reset + time.Millisecond - 1).Truncate(time.Millisecond)
	return map[string]string{
		"x-ratelimit-limit-requests":     strconv.Itoa(st.limit),
		"x-ratelimit-remaining-requests": strconv.Itoa(st.remaining),
		"x-ratelimit-reset-requests":     reset.String(),
	}
}
