package client

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"
)

// errWaitBudget is returned by wait when the pacer would make the request
// wait past its budget.
var errWaitBudget = errors.New("the wait for a rate limit would exceed the request's wait budget")

// pacer spaces the requests of every caller of one Client; it knows nothing
// of the limiter's shape, which the API does not publish. Four mechanisms
// decide when the next request may start, each in a part of its own:
//
//   - spacing (pacer_spacing.go): a configured requests-per-minute cap is a
//     floor on the spacing of request starts, and so is the learned rate;
//   - budget (pacer_budget.go): x-ratelimit-remaining-requests and
//     x-ratelimit-reset-requests allow that many requests, those in flight
//     included, before the reset, and a refilling limiter's refill as it
//     comes;
//   - congestion (pacer_congestion.go): without hints, the rate is learned
//     from congestion events, one slow-down per burst of 429s, probing one
//     request at a time until the limiter accepts again, and upward after
//     each success; a retry-after holds every caller;
//   - in flight (this file): every request in flight counts against the
//     budget, and until the API has answered once, one request goes at a
//     time, since nothing says yet whether it allows two at once.
//
// The pacer itself holds the lock that guards the parts, combines their
// answers into the earliest start, and wakes the callers that wait when one
// changes its mind.
type pacer struct {
	clock Clock

	mu      sync.Mutex
	spacing spacing
	budget  budget
	learn   congestion
	flight  flight

	waiters map[*struct{}]context.CancelFunc // sleepers to wake on a change
	changed chan struct{}                    // closed and replaced on a change
}

// ticket is the pacer's view of one attempt, kept in its attempts.
type ticket struct {
	inflight bool    // counted in flight.inflight
	probe    bool    // the probe of a congestion event
	epoch    int     // congestion events before it was sent
	rate     float64 // the learned rate when it was sent
	refill   bool    // sent on a refill the headers' budget did not yet show
}

// flight counts the attempts in flight, and whether any was ever answered.
type flight struct {
	inflight int
	answered bool
}

func newPacer(clock Clock, requestsPerMinute int) *pacer {
	floor := capFloor(requestsPerMinute)
	return &pacer{
		clock:   clock,
		spacing: spacing{floor: floor},
		learn:   congestion{floor: floor},
		waiters: map[*struct{}]context.CancelFunc{},
		changed: make(chan struct{}),
	}
}

// earliestLocked is when the next request may start.
func (p *pacer) earliestLocked(now time.Time) time.Time {
	t := p.learn.earliest(p.spacing.earliest(now))
	return p.budget.earliest(t, p.flight.inflight)
}

// answerPendingLocked says whether the next start waits for an answer: the
// probe's, the first ever, or those that say whether the attempts in flight
// spent the budget that the x-ratelimit headers left.
func (p *pacer) answerPendingLocked(now time.Time) bool {
	switch {
	case p.learn.probeOut:
		return true
	case p.flight.inflight == 0:
		return false
	case !p.flight.answered:
		return true
	}
	return p.budget.spent(now, p.flight.inflight)
}

// wait blocks until the caller's turn, which it takes. It counts its waits
// into st, and refuses with errWaitBudget a wait that would take st past
// budget.
func (p *pacer) wait(ctx context.Context, st *attempts, budget time.Duration) (time.Duration, error) {
	var total time.Duration
	for {
		p.mu.Lock()
		now := p.clock.Now()
		if p.answerPendingLocked(now) {
			// Answers take no time on the pacer's clock, and wake
			// everyone.
			changed := p.changed
			p.mu.Unlock()
			select {
			case <-changed:
			case <-ctx.Done():
				return total, ctx.Err()
			}
			slept := max(p.clock.Now().Sub(now), 0)
			total += slept
			st.waited += slept
			st.stats.addWait(slept)
			continue
		}
		start := p.earliestLocked(now)
		if !start.After(now) {
			p.takeLocked(now, st)
			p.mu.Unlock()
			return total, nil
		}
		d := start.Sub(now)
		if st.waited+d > budget {
			p.mu.Unlock()
			return total, errWaitBudget
		}
		key := new(struct{})
		sctx, cancel := context.WithCancel(ctx)
		p.waiters[key] = cancel
		p.mu.Unlock()

		_ = sleepUntil(sctx, p.clock, start)
		cancel()
		p.mu.Lock()
		delete(p.waiters, key)
		slept := min(d, max(p.clock.Now().Sub(now), 0))
		p.mu.Unlock()
		total += slept
		st.waited += slept
		st.stats.addWait(slept)
		if err := ctx.Err(); err != nil {
			return total, err
		}
	}
}

// takeLocked starts an attempt now: every part notes it.
func (p *pacer) takeLocked(now time.Time, st *attempts) {
	p.spacing.after(now, p.learn.rate)
	p.learn.took(now, &st.ticket)
	st.refill = p.budget.took(now, p.flight.inflight)
	p.flight.inflight++
	st.inflight = true
	st.stats.addRequest()
}

// release forgets an attempt that ended without a response the pacer saw.
func (p *pacer) release(st *attempts) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.releaseLocked(st)
}

func (p *pacer) releaseLocked(st *attempts) {
	if st.inflight {
		st.inflight = false
		p.flight.inflight--
		p.notifyLocked()
	}
	if st.probe {
		st.probe = false
		p.learn.probeOut = false
		p.wakeLocked()
	}
}

// wakeLocked cuts every waiter's sleep short so that it looks again.
func (p *pacer) wakeLocked() {
	for key, cancel := range p.waiters {
		cancel()
		delete(p.waiters, key)
	}
	p.notifyLocked()
}

// notifyLocked wakes the waiters that wait for an answer.
func (p *pacer) notifyLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// observe learns from one response; resp is nil after a connection error.
// hint is the server's retry-after, when it sent one.
func (p *pacer) observe(st *attempts, resp *http.Response, hint time.Duration, hinted bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	probe := st.probe
	p.releaseLocked(st)
	if resp == nil {
		return
	}
	now := p.clock.Now()
	p.flight.answered = true
	headers := p.budget.read(resp.Header, now)
	if headers {
		p.wakeLocked()
	}

	if resp.StatusCode != http.StatusTooManyRequests {
		if resp.StatusCode >= 500 {
			return
		}
		if p.learn.accepted(now, &st.ticket, probe) {
			// The congestion event is over: space from the resumed rate.
			p.spacing.after(now, p.learn.rate)
			p.wakeLocked()
		}
		return
	}

	st.stats.addTooMany()
	switch {
	case hinted:
		p.learn.holdUntil(now.Add(hint))
	case headers:
		// The reset says when the budget is back; earliestLocked waits for
		// it. A refused request that went on a counted refill says the
		// limiter does not refill as the headers suggested.
		if st.refill {
			p.budget.refillOff = true
		}
	default:
		p.learn.refused(now, &st.ticket, probe)
	}
}

// holdLeft is how long the pacer holds every caller from now.
func (p *pacer) holdLeft() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	return max(p.earliestLocked(now).Sub(now), 0)
}

// learned is the limit the pacer trusts, in requests a minute, and the
// max_requests_per_minute it suggests: the rate set when the last congestion
// event resolved, else the headers' limit over the longest reset seen, else,
// while the first congestion event is unresolved, an upper bound. A limit
// learned from 429s swings around the real one, so the suggestion stays a
// slow-down under it; one read from headers is exact. Both are 0 when
// nothing was learned.
func (p *pacer) learned() (perMinute float64, suggested int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if perMinute, ok := p.learn.settled(); ok {
		return perMinute, suggestPerMinute(perMinute * decrease)
	}
	if perMinute, ok := p.budget.limit(); ok {
		return perMinute, suggestPerMinute(perMinute)
	}
	perMinute = p.learn.bound(p.clock.Now())
	return perMinute, suggestPerMinute(perMinute * decrease)
}
