package client

import (
	"context"
	"net/http"
	"sync"
	"time"
)

const (
	// rateWindow is the span the admin API's limits are reported in: a few
	// requests per minute.
	rateWindow = time.Minute
	// maxInterval bounds the learned spacing between requests.
	maxInterval = time.Minute
	// minInterval is the first spacing a hint-less 429 sets.
	minInterval = 50 * time.Millisecond
	// growth multiplies the spacing on each hint-less 429.
	growth = 1.5
	// capMargin is the percentage added to the spacing a configured cap sets.
	capMargin = 3
	// probeDecay shrinks the spacing by 1/probeDecay after each success, so
	// that it settles just above the limit and recovers when the limit rises.
	probeDecay = 100
)

// pacer spaces the requests of every caller of one Client. A rate-limited
// response slows everyone: a hinted 429 holds all callers back for its wait;
// a hint-less one multiplies the spacing between requests, but never beyond
// the rate the API accepted over the last minute, which is the spacing a
// per-minute window needs. Successes probe the spacing down slowly. With a
// configured requests-per-minute cap the spacing never drops below it.
type pacer struct {
	clock Clock
	floor time.Duration // from the configured cap; 0 without one

	mu       sync.Mutex
	interval time.Duration // current spacing, >= floor
	next     time.Time     // earliest start of the next request
	accepted []time.Time   // successes in the last rateWindow, oldest first
}

func newPacer(clock Clock, requestsPerMinute int) *pacer {
	p := &pacer{clock: clock}
	if requestsPerMinute > 0 {
		// Aim a little under the cap: a request that reaches a strict
		// limiter a hair early is refused, and costs far more than the margin.
		p.floor = rateWindow / time.Duration(requestsPerMinute) * (100 + capMargin) / 100
	}
	p.interval = p.floor
	return p
}

// wait blocks until the caller's turn, which it takes.
func (p *pacer) wait(ctx context.Context) (time.Duration, error) {
	p.mu.Lock()
	now := p.clock.Now()
	start := now
	if p.next.After(now) {
		start = p.next
	}
	p.next = start.Add(p.interval)
	p.mu.Unlock()
	d := start.Sub(now)
	if d <= 0 {
		return 0, ctx.Err()
	}
	return d, p.clock.Sleep(ctx, d)
}

// observe learns from one response; resp is nil after a connection error.
// hint is the server's retry-after, when it sent one.
func (p *pacer) observe(resp *http.Response, hint time.Duration, hinted bool) {
	if resp == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	cutoff := now.Add(-rateWindow)
	i := 0
	for i < len(p.accepted) && !p.accepted[i].After(cutoff) {
		i++
	}
	p.accepted = p.accepted[i:]

	if resp.StatusCode != http.StatusTooManyRequests {
		if resp.StatusCode < 500 {
			p.accepted = append(p.accepted, now)
			p.interval = max(p.floor, p.interval-p.interval/probeDecay)
		}
		return
	}
	hold := hint
	if !hinted {
		ceiling := maxInterval
		if n := len(p.accepted); n > 0 {
			ceiling = rateWindow / time.Duration(n)
		}
		grown := max(minInterval, time.Duration(float64(p.interval)*growth))
		p.interval = max(p.floor, p.interval, min(grown, ceiling))
		hold = p.interval
	}
	if until := now.Add(hold); until.After(p.next) {
		p.next = until
	}
}
