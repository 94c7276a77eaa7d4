package client

import "time"

const (
	// rateWindow is the span the admin API's limits are reported in: a few
	// requests per minute.
	rateWindow = time.Minute
	// capMargin is the percentage added to the spacing a configured cap sets,
	// so that a request reaching a strict limiter a hair early is not
	// refused. 1% meets every limiter of the matrix in BENCHMARKS.md without
	// a 429 on the fake clock; in real time a cap set exactly at a bucket of
	// 1's limit still draws an occasional 429 from loopback jitter. 3% cost
	// 1.047 of a window limiter's floor.
	capMargin = 1
)

// capFloor is the spacing a cap of requestsPerMinute sets, a little under
// the cap: a request that reaches a strict limiter a hair early is refused,
// and costs far more than the margin. It is 0 without a cap.
func capFloor(requestsPerMinute int) time.Duration {
	if requestsPerMinute <= 0 {
		return 0
	}
	return rateWindow / time.Duration(requestsPerMinute) * (100 + capMargin) / 100
}

// spacing keeps request starts apart: by the configured cap's floor, and by
// the rate the congestion part learned.
type spacing struct {
	floor time.Duration // from the configured cap; 0 without one
	next  time.Time     // earliest start of the next request
}

// interval is the spacing between request starts at a learned rate (0 when
// none is learned).
func (s *spacing) interval(rate float64) time.Duration {
	d := s.floor
	if rate > 0 {
		d = max(d, time.Duration(float64(time.Second)/rate))
	}
	return d
}

// earliest is the later of t and the next start the spacing allows.
func (s *spacing) earliest(t time.Time) time.Time {
	if s.next.After(t) {
		return s.next
	}
	return t
}

// after spaces the next start an interval after now: a request started now,
// or a congestion event resolved now.
func (s *spacing) after(now time.Time, rate float64) {
	s.next = now.Add(s.interval(rate))
}
