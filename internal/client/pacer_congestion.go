package client

import (
	"math"
	"time"
)

const (
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

// congestion learns the limiter's rate from hint-less 429s, which say only
// that a request came too soon.
//
// The first hint-less 429 answering a request sent since the last event
// starts a congestion event: every caller is held, and one request at a time
// probes, waiting twice as long after each refusal, until one is accepted.
// 429s answering requests sent before the event are the same event: one
// event, one slow-down. On resuming, the rate becomes the acceptance
// measured since the previous resume when that measures the limiter (the
// first event, or a recovery that took more than one probe: the limiter was
// saturated all along), else decrease times the rate that failed. Each
// success then probes upward: multiplicatively up to the last rate known to
// fail, additively beyond it, until the next event. Whatever the window, the
// rate so converges on the limit from above and from below.
//
// A retry-after hint holds every caller too, through the same hold.
type congestion struct {
	floor time.Duration // the configured cap's spacing, which bounds the rate and the probes; 0 without one

	rate    float64   // learned requests per second; 0 until an event
	safe    float64   // rate set at the last resume
	ceiling float64   // decrease times the last rate that failed; 0 if none is known
	growth  float64   // slow start's factor per success
	hold    time.Time // no request starts before this

	epoch     int           // congestion events so far
	probing   bool          // an event is unresolved: one probe at a time
	probeOut  bool          // the probe is in flight
	probes    int           // failed probes in this event
	probeGap  time.Duration // wait before the next probe
	probeBase time.Duration // the least wait after a failed probe

	// The current congestion cycle: since the last resume, or the start.
	cycleStart time.Time
	cycleCount int
	failRate   float64 // rate of the request that started the event; 0 unpaced
}

// earliest is the later of t and the hold.
func (c *congestion) earliest(t time.Time) time.Time {
	if c.hold.After(t) {
		return c.hold
	}
	return t
}

// holdUntil holds every caller until t, unless they are held longer.
func (c *congestion) holdUntil(t time.Time) {
	if t.After(c.hold) {
		c.hold = t
	}
}

// capRate bounds a learned rate by the configured cap: no request goes
// faster, so no success says the limit is higher, and a rate that climbed on
// unseen would make the next slow-down and the suggested cap absurd.
func (c *congestion) capRate(r float64) float64 {
	if c.floor <= 0 {
		return r
	}
	return min(r, float64(time.Second)/float64(c.floor))
}

// took notes a request started now: the probe, while an event is
// unresolved, and the event and rate it was sent under.
func (c *congestion) took(now time.Time, t *ticket) {
	if c.cycleStart.IsZero() {
		c.cycleStart = now
	}
	if c.probing {
		c.probeOut = true
		t.probe = true
	}
	t.epoch = c.epoch
	t.rate = c.rate
}

// accepted learns from an accepted request, probe says whether it was the
// probe. It reports whether that resolved the congestion event.
func (c *congestion) accepted(now time.Time, t *ticket, probe bool) (resumed bool) {
	c.cycleCount++
	if c.probing && probe {
		c.resume(now)
		return true
	}
	if c.rate > 0 && !c.probing && t.epoch == c.epoch {
		if c.ceiling == 0 || c.rate < c.ceiling {
			c.rate *= c.growth
			if c.ceiling > 0 {
				c.rate = min(c.rate, c.ceiling)
			}
		} else {
			c.rate += additive * c.safe
		}
		c.rate = c.capRate(c.rate)
	}
	return false
}

// refused learns from a hint-less 429; probe says whether it answered the
// probe.
func (c *congestion) refused(now time.Time, t *ticket, probe bool) {
	switch {
	case c.probing:
		if probe {
			c.probes++
			c.probeGap = min(max(2*c.probeGap, c.probeBase), MaxProbeWait)
			c.holdUntil(now.Add(c.probeGap))
		}
		return
	case t.epoch < c.epoch:
		// Sent before the last event resolved: the same congestion.
		return
	}
	// A new congestion event: one slow-down, however many 429s answer the
	// requests already in flight.
	c.epoch++
	c.probing, c.probes = true, 0
	c.failRate = t.rate
	if c.rate > 0 {
		c.probeGap = time.Duration(probeFraction * float64(time.Second) / (decrease * c.rate))
	} else {
		// A limiter that refused a second request at once spaces requests
		// rather than windows them: look again sooner. Four times shorter
		// still finds a one-minute window within ten probes.
		c.probeGap = firstProbe * time.Duration(min(max(c.cycleCount, 1), 4)) / 4
	}
	c.probeGap = max(c.probeGap, c.floor)
	c.probeBase = c.probeGap
	if c.rate == 0 && c.floor > 0 {
		// Paced by the cap alone. When the cap is the limit, the request
		// was early by a hair: look again one spacing later. When it is
		// not, the probes go on from probeBase, one probe later.
		c.probeGap = c.floor
	}
	c.holdUntil(now.Add(c.probeGap))
}

// resume ends a congestion event: the probe was accepted.
func (c *congestion) resume(now time.Time) {
	// The cycle's acceptance rate, the probe excluded: it opens the next cycle.
	n := c.cycleCount - 1
	var measured float64
	if span := now.Sub(c.cycleStart); n > 0 && span > 0 {
		measured = float64(n) / span.Seconds()
	}
	saturated := c.failRate == 0 || c.probes > 0
	var r float64
	switch {
	case c.failRate == 0:
		r = measured
	case saturated && measured > 0:
		r = min(measured, decrease*c.failRate)
	default:
		r = decrease * c.failRate
	}
	// A limit measured over a few successes is the rate known to fail, not
	// the overshoot; over fewer it is noise, and the climb back may be fast.
	ceiling := decrease * c.failRate
	if saturated && measured > 0 && n >= trustedCycle {
		ceiling = r
	}
	if r <= 0 || math.IsInf(r, 0) || math.IsNaN(r) {
		// Nothing measurable (the first request was refused): a rate that
		// the probe's wait allows.
		r = 1 / now.Sub(c.cycleStart).Seconds()
		if math.IsInf(r, 0) || math.IsNaN(r) || r <= 0 {
			r = 1 / firstProbe.Seconds()
		}
	}
	r = c.capRate(r)
	c.rate, c.safe = r, r
	// A first probe that succeeds says only that the limiter recovers
	// faster than it waited: the rate may be far higher, so climb fast.
	c.growth = slowStart
	if c.probes == 0 && c.failRate == 0 {
		c.growth = fastStart
	}
	c.ceiling = 0
	if c.failRate > 0 {
		c.ceiling = max(ceiling, r)
	}
	c.probing, c.probes = false, 0
	c.cycleStart, c.cycleCount = now, 1
}

// settled is the rate set when the last event resolved, in requests a
// minute; ok is false before the first resolved.
func (c *congestion) settled() (perMinute float64, ok bool) {
	return c.safe * 60, c.safe > 0
}

// bound is, while the first event is unresolved, an upper bound of the
// limit in requests a minute: the requests accepted before the limiter
// refused, over the time since the first of them. It is 0 otherwise.
func (c *congestion) bound(now time.Time) float64 {
	if !c.probing || c.cycleCount <= 0 {
		return 0
	}
	if span := now.Sub(c.cycleStart); span > 0 {
		return float64(c.cycleCount) / span.Minutes()
	}
	return 0
}
