package client

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

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
	// firstProbe is the wait before the first probe after a hint-less 429
	// that follows a burst of four or more, while no rate has been learned;
	// each failed probe doubles the wait.
	firstProbe = 250 * time.Millisecond
	// MaxProbeWait bounds the wait between probes after 429s without
	// hints: a window of a minute is found within a probe of its end.
	MaxProbeWait = time.Minute
	// decrease multiplies the rate that met a 429 when it resumes.
	decrease = 0.9
	// slowStart multiplies the rate after each success while it is below
	// the last rate known to fail; fastStart does while none is known and
	// the limiter recovered before the first probe: the rate may be far
	// higher than the one measured.
	slowStart = 1.1
	fastStart = 1.5
	// additive is the fraction of the rate set at the last resume added
	// after each success beyond that: the probe upward that finds a higher
	// limit, or the same one again.
	additive = 0.01
	// trustedCycle is the number of successes a measured acceptance needs
	// to become the rate beyond which the pacer climbs only additively.
	trustedCycle = 4
	// probeFraction is the first probe's wait after a 429 once a rate is
	// known, in spacings at the decreased rate: the refused request already
	// took a slot.
	probeFraction = 0.25
)

// errWaitBudget is returned by wait when the pacer would make the request
// wait past its budget.
var errWaitBudget = errors.New("the wait for a rate limit would exceed the request's wait budget")

// pacer spaces the requests of every caller of one Client; it knows nothing
// of the limiter's shape, which the API does not publish.
//
// Without hints it learns from congestion events. The first hint-less 429
// answering a request sent since the last event starts an event: every
// caller is held, and one request at a time probes, waiting twice as long
// after each refusal, until one is accepted. 429s answering requests sent
// before the event are the same event: one event, one slow-down. On
// resuming, the rate becomes the acceptance measured since the previous
// resume when that measures the limiter (the first event, or a recovery that
// took more than one probe: the limiter was saturated all along), else
// decrease times the rate that failed. Each success then probes upward:
// multiplicatively up to the last rate known to fail, additively beyond it,
// until the next event. Whatever the window, the rate so converges on the
// limit from above and from below.
//
// Every request in flight counts against the budget, so concurrent callers
// do not overshoot together. Hints win: retry-after holds every caller;
// x-ratelimit-remaining-requests and x-ratelimit-reset-requests allow that
// many requests, those in flight included, before the reset. When the
// headers show a refilling limiter (a token bucket), a spent budget allows
// one request reset ÷ limit after the last reading, one at a time, instead of
// waiting for the whole reset. A configured requests-per-minute cap is a
// floor on the spacing throughout.
type pacer struct {
	clock Clock
	floor time.Duration // from the configured cap; 0 without one

	mu        sync.Mutex
	rate      float64       // learned requests per second; 0 until an event
	safe      float64       // rate set at the last resume
	ceiling   float64       // decrease times the last rate that failed; 0 if none is known
	next      time.Time     // earliest start of the next request
	hold      time.Time     // no request starts before this
	epoch     int           // congestion events so far
	probing   bool          // an event is unresolved: one probe at a time
	probeOut  bool          // the probe is in flight
	probes    int           // failed probes in this event
	probeGap  time.Duration // wait before the next probe
	probeBase time.Duration // the least wait after a failed probe
	inflight  int
	answered  bool // a response arrived

	// The current congestion cycle: since the last resume, or the start.
	cycleStart time.Time
	cycleCount int
	failRate   float64 // rate of the request that started the event; 0 unpaced
	growth     float64 // slow start's factor per success

	// From x-ratelimit-* headers.
	hdrSeen    bool
	hdrAssumed bool // hdrRem and hdrUntil are guessed after a reset, not read
	hdrRem     int  // the least remaining budget read in the current period
	hdrUntil   time.Time
	hdrLimit   int
	hdrWindow  time.Duration // the longest reset seen with nothing left: the window

	// The last reading, as read, and what it says of the limiter's shape.
	lastRead   time.Time
	lastRem    int
	lastUntil  time.Time
	refillSeen int  // readings that moved the reset later than a window would
	refillOff  bool // a request sent on a refill was refused: no refill is counted

	waiters map[*struct{}]context.CancelFunc // sleepers to wake on a change
	changed chan struct{}                    // closed and replaced on a change
}

func newPacer(clock Clock, requestsPerMinute int) *pacer {
	p := &pacer{clock: clock, waiters: map[*struct{}]context.CancelFunc{}, changed: make(chan struct{})}
	if requestsPerMinute > 0 {
		// Aim a little under the cap: a request that reaches a strict
		// limiter a hair early is refused, and costs far more than the margin.
		p.floor = rateWindow / time.Duration(requestsPerMinute) * (100 + capMargin) / 100
	}
	return p
}

// capRateLocked bounds a learned rate by the configured cap: no request
// goes faster, so no success says the limit is higher, and a rate that
// climbed on unseen would make the next slow-down and the suggested cap
// absurd.
func (p *pacer) capRateLocked(r float64) float64 {
	if p.floor <= 0 {
		return r
	}
	return min(r, float64(time.Second)/float64(p.floor))
}

// interval is the spacing between request starts.
func (p *pacer) intervalLocked() time.Duration {
	d := p.floor
	if p.rate > 0 {
		d = max(d, time.Duration(float64(time.Second)/p.rate))
	}
	return d
}

// earliestLocked is when the next request may start.
func (p *pacer) earliestLocked(now time.Time) time.Time {
	t := now
	if p.next.After(t) {
		t = p.next
	}
	if p.hold.After(t) {
		t = p.hold
	}
	if p.hdrSeen && p.hdrUntil.After(t) && p.hdrBudgetLocked(t)-p.inflight <= 0 {
		// A counted refill serves one request with none in flight; beyond
		// that, the budget is back at the reset.
		refill, ok := p.hdrRefillLocked()
		if ok && p.inflight == 0 && refill.Before(p.hdrUntil) {
			return refill
		}
		t = p.hdrUntil
	}
	return t
}

// refillReadings is how many readings must show a refilling limiter before
// the pacer counts its refill: one could be a latency spike.
const refillReadings = 2

// hdrRefillLocked is when a refilling limiter adds one request to a budget
// the last reading found empty: reset/L after that reading. ok is false when
// no refill is counted. For a token bucket of L that reports its time to
// full, reset/L is never early: with a fraction f < 1 of a token left, the
// next comes in (1 − f)·reset/(L − f), which is at most reset/L.
func (p *pacer) hdrRefillLocked() (at time.Time, ok bool) {
	if p.refillOff || p.refillSeen < refillReadings || p.hdrRem != 0 || p.lastRem != 0 || p.hdrLimit <= 0 {
		return time.Time{}, false
	}
	per := p.lastUntil.Sub(p.lastRead) / time.Duration(p.hdrLimit)
	return p.lastRead.Add(per), per > 0
}

// hdrBudgetLocked is how many requests the headers allow at t, those in
// flight included. A counted refill allows one request at a time, whose
// answer reads the budget again: a wrong guess of the refill costs one 429.
func (p *pacer) hdrBudgetLocked(t time.Time) int {
	if refill, ok := p.hdrRefillLocked(); ok && !t.Before(refill) {
		return p.hdrRem + 1
	}
	return p.hdrRem
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

// answerPendingLocked says whether the next start waits for an answer: the
// probe's, the first ever (until then nothing says whether the API allows two
// requests at once), or those that say whether the attempts in flight spent
// the budget that the x-ratelimit headers left.
func (p *pacer) answerPendingLocked(now time.Time) bool {
	switch {
	case p.probing && p.probeOut:
		return true
	case p.inflight == 0:
		return false
	case !p.answered:
		return true
	}
	return p.hdrSeen && p.hdrUntil.After(now) && p.hdrBudgetLocked(now)-p.inflight <= 0
}

func (p *pacer) takeLocked(now time.Time, st *attempts) {
	p.next = now.Add(p.intervalLocked())
	if p.cycleStart.IsZero() {
		p.cycleStart = now
	}
	if p.probing {
		p.probeOut = true
		st.probe = true
	}
	if p.hdrSeen && !p.hdrUntil.After(now) {
		// The limiter is back to its initial state: its whole limit is
		// available until a response says otherwise.
		p.hdrRem = max(p.hdrLimit, 1)
		p.hdrUntil = now.Add(max(p.hdrWindow, time.Second))
		p.hdrAssumed = true
	}
	st.refill = p.hdrSeen && p.hdrRem-p.inflight <= 0 && p.hdrUntil.After(now)
	p.inflight++
	st.inflight = true
	st.epoch = p.epoch
	st.rate = p.rate
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
		p.inflight--
		p.notifyLocked()
	}
	if st.probe {
		st.probe = false
		p.probeOut = false
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
	p.answered = true
	headers := p.readHeadersLocked(resp.Header, now)

	if resp.StatusCode != http.StatusTooManyRequests {
		if resp.StatusCode >= 500 {
			return
		}
		p.cycleCount++
		if p.probing && probe {
			p.resumeLocked(now)
			return
		}
		if p.rate > 0 && !p.probing && st.epoch == p.epoch {
			if p.ceiling == 0 || p.rate < p.ceiling {
				p.rate *= p.growth
				if p.ceiling > 0 {
					p.rate = min(p.rate, p.ceiling)
				}
			} else {
				p.rate += additive * p.safe
			}
			p.rate = p.capRateLocked(p.rate)
		}
		return
	}

	st.stats.addTooMany()
	switch {
	case hinted:
		if until := now.Add(hint); until.After(p.hold) {
			p.hold = until
		}
		return
	case headers:
		// The reset says when the budget is back; earliestLocked waits for
		// it. A refused request that went on a counted refill says the
		// limiter does not refill as the headers suggested.
		if st.refill {
			p.refillOff = true
		}
		return
	case p.probing:
		if probe {
			p.probes++
			p.probeGap = min(max(2*p.probeGap, p.probeBase), MaxProbeWait)
			if until := now.Add(p.probeGap); until.After(p.hold) {
				p.hold = until
			}
		}
		return
	case st.epoch < p.epoch:
		// Sent before the last event resolved: the same congestion.
		return
	}
	// A new congestion event: one slow-down, however many 429s answer the
	// requests already in flight.
	p.epoch++
	p.probing, p.probes = true, 0
	p.failRate = st.rate
	if p.rate > 0 {
		p.probeGap = time.Duration(probeFraction * float64(time.Second) / (decrease * p.rate))
	} else {
		// A limiter that refused a second request at once spaces requests
		// rather than windows them: look again sooner. Four times shorter
		// still finds a one-minute window within ten probes.
		p.probeGap = firstProbe * time.Duration(min(max(p.cycleCount, 1), 4)) / 4
	}
	p.probeGap = max(p.probeGap, p.floor)
	p.probeBase = p.probeGap
	if p.rate == 0 && p.floor > 0 {
		// Paced by the cap alone. When the cap is the limit, the request
		// was early by a hair: look again one spacing later. When it is
		// not, the probes go on from probeBase, one probe later.
		p.probeGap = p.floor
	}
	if until := now.Add(p.probeGap); until.After(p.hold) {
		p.hold = until
	}
}

// resumeLocked ends a congestion event: the probe was accepted.
func (p *pacer) resumeLocked(now time.Time) {
	// The cycle's acceptance rate, the probe excluded: it opens the next cycle.
	n := p.cycleCount - 1
	var measured float64
	if span := now.Sub(p.cycleStart); n > 0 && span > 0 {
		measured = float64(n) / span.Seconds()
	}
	saturated := p.failRate == 0 || p.probes > 0
	var r float64
	switch {
	case p.failRate == 0:
		r = measured
	case saturated && measured > 0:
		r = min(measured, decrease*p.failRate)
	default:
		r = decrease * p.failRate
	}
	// A limit measured over a few successes is the rate known to fail, not
	// the overshoot; over fewer it is noise, and the climb back may be fast.
	ceiling := decrease * p.failRate
	if saturated && measured > 0 && n >= trustedCycle {
		ceiling = r
	}
	if r <= 0 || math.IsInf(r, 0) || math.IsNaN(r) {
		// Nothing measurable (the first request was refused): a rate that
		// the probe's wait allows.
		r = 1 / now.Sub(p.cycleStart).Seconds()
		if math.IsInf(r, 0) || math.IsNaN(r) || r <= 0 {
			r = 1 / firstProbe.Seconds()
		}
	}
	r = p.capRateLocked(r)
	p.rate, p.safe = r, r
	// A first probe that succeeds says only that the limiter recovers
	// faster than it waited: the rate may be far higher, so climb fast.
	p.growth = slowStart
	if p.probes == 0 && p.failRate == 0 {
		p.growth = fastStart
	}
	p.ceiling = 0
	if p.failRate > 0 {
		p.ceiling = max(ceiling, r)
	}
	p.probing, p.probes = false, 0
	p.cycleStart, p.cycleCount = now, 1
	p.next = now.Add(p.intervalLocked())
	p.wakeLocked()
}

// readHeadersLocked takes the x-ratelimit-* budget from a response, and
// reports whether there was one.
func (p *pacer) readHeadersLocked(h http.Header, now time.Time) bool {
	remaining, err1 := strconv.Atoi(h.Get("x-ratelimit-remaining-requests"))
	reset, err2 := parseReset(h.Get("x-ratelimit-reset-requests"))
	if err1 != nil || err2 != nil || remaining < 0 {
		return false
	}
	// The budget left is the least remaining read in the period (answers
	// overtake each other) less the attempts in flight, which it may not
	// count yet. A reset that ends clearly later starts a new period; one
	// that ends a little later is the same reset, read after some latency.
	until := now.Add(reset)
	tolerance := 10*time.Millisecond + reset/50

	// Within a period, every shape's reset moves later with each admission
	// and never earlier: a reading whose reset ends before the last one's,
	// while that is still to come, answered an older request. A window's
	// reset stays put (fixed) or moves with the clock (sliding) as it admits
	// requests; a token bucket's moves later by a token's refill time with
	// each admission, however close together they come.
	current := !p.hdrSeen || !p.lastUntil.After(now) || !until.Before(p.lastUntil)
	if current {
		if p.hdrSeen && p.lastUntil.After(now) && remaining < p.lastRem && until.Sub(p.lastUntil) > now.Sub(p.lastRead)+tolerance {
			p.refillSeen++
		}
		p.lastRead, p.lastRem, p.lastUntil = now, remaining, until
	}
	if p.hdrSeen && !p.hdrAssumed && p.hdrUntil.After(now) && !until.After(p.hdrUntil.Add(tolerance)) {
		remaining = min(remaining, p.hdrRem)
		if p.hdrUntil.After(until) {
			until = p.hdrUntil
		}
	}
	p.hdrSeen, p.hdrAssumed, p.hdrRem, p.hdrUntil = true, false, remaining, until
	if limit, err := strconv.Atoi(h.Get("x-ratelimit-limit-requests")); err == nil && limit > 0 {
		p.hdrLimit = limit
	}
	if remaining == 0 && reset > p.hdrWindow {
		p.hdrWindow = reset
	}
	p.wakeLocked()
	return true
}

// parseReset reads x-ratelimit-reset-requests: a Go-style duration such as
// 6m0s, 1s, 120ms or 1m30.5s; a bare number is seconds.
func parseReset(v string) (time.Duration, error) {
	if v == "" {
		return 0, errors.New("no reset")
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 || math.IsInf(s, 0) || math.IsNaN(s) {
			return 0, errors.New("bad reset")
		}
		return time.Duration(s * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, errors.New("bad reset")
	}
	return d, nil
}

// holdLeft is how long the pacer holds every caller from now.
func (p *pacer) holdLeft() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.clock.Now()
	return max(p.earliestLocked(now).Sub(now), 0)
}

// learned is the limit the pacer trusts, in requests a minute, and the
// max_requests_per_minute it suggests. The limit is the rate set at the last
// resume, else the headers' limit over the longest reset seen. While the
// first congestion event is unresolved it is an upper bound: the requests
// accepted before the limiter refused, over the time since the first of
// them. A limit learned from 429s swings around the real one, so the
// suggestion stays a slow-down under it; one read from headers is exact.
// Both are 0 when nothing was learned.
func (p *pacer) learned() (perMinute float64, suggested int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.safe > 0:
		perMinute = p.safe * 60
	case p.hdrLimit > 0 && p.hdrWindow > 0:
		perMinute = float64(p.hdrLimit) / p.hdrWindow.Minutes()
		return perMinute, suggestPerMinute(perMinute)
	case p.probing && p.cycleCount > 0:
		if span := p.clock.Now().Sub(p.cycleStart); span > 0 {
			perMinute = float64(p.cycleCount) / span.Minutes()
		}
	}
	return perMinute, suggestPerMinute(perMinute * decrease)
}
