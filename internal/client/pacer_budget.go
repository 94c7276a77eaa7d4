package client

import (
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"
)

// refillReadings is how many readings must show a refilling limiter before
// the budget counts its refill: one could be a latency spike.
const refillReadings = 2

// budget is what the x-ratelimit-* headers allow: the requests left until
// the reset, those in flight included. When the readings show a refilling
// limiter (a token bucket), a spent budget allows one request reset ÷ limit
// after the last reading, one at a time, instead of waiting for the whole
// reset.
type budget struct {
	seen    bool
	assumed bool      // left and until are guessed after a reset, not read
	left    int       // the least remaining read in the current period
	until   time.Time // the current period's reset
	size    int       // x-ratelimit-limit-requests
	window  time.Duration

	// The last reading, as read, and what it says of the limiter's shape.
	last       reading
	refillSeen int  // readings that moved the reset later than a window would
	refillOff  bool // a request sent on a refill was refused: no refill is counted
}

// reading is one response's x-ratelimit-* headers.
type reading struct {
	at    time.Time
	left  int
	until time.Time
}

// refill is when a refilling limiter adds one request to a budget the last
// reading found empty: reset/L after that reading. ok is false when no refill
// is counted. For a token bucket of L that reports its time to full, reset/L
// is never early: with a fraction f < 1 of a token left, the next comes in
// (1 − f)·reset/(L − f), which is at most reset/L.
func (b *budget) refill() (at time.Time, ok bool) {
	if b.refillOff || b.refillSeen < refillReadings || b.left != 0 || b.last.left != 0 || b.size <= 0 {
		return time.Time{}, false
	}
	per := b.last.until.Sub(b.last.at) / time.Duration(b.size)
	return b.last.at.Add(per), per > 0
}

// allowed is how many requests the headers allow at t, those in flight
// included. A counted refill allows one request at a time, whose answer
// reads the budget again: a wrong guess of the refill costs one 429.
func (b *budget) allowed(t time.Time) int {
	if refill, ok := b.refill(); ok && !t.Before(refill) {
		return b.left + 1
	}
	return b.left
}

// spent says whether the requests in flight have spent what the headers
// allow at t, before the reset.
func (b *budget) spent(t time.Time, inflight int) bool {
	return b.seen && b.until.After(t) && b.allowed(t)-inflight <= 0
}

// earliest is when a request may start, from t on, with inflight requests
// in flight: t, unless the budget is spent; then the counted refill, with
// none in flight, else the reset.
func (b *budget) earliest(t time.Time, inflight int) time.Time {
	if !b.spent(t, inflight) {
		return t
	}
	if refill, ok := b.refill(); ok && inflight == 0 && refill.Before(b.until) {
		return refill
	}
	return b.until
}

// took notes a request started now with inflight others in flight, and
// reports whether it goes on a counted refill the budget did not show.
func (b *budget) took(now time.Time, inflight int) (refill bool) {
	if b.seen && !b.until.After(now) {
		// The limiter is back to its initial state: its whole limit is
		// available until a response says otherwise.
		b.left = max(b.size, 1)
		b.until = now.Add(max(b.window, time.Second))
		b.assumed = true
	}
	return b.seen && b.left-inflight <= 0 && b.until.After(now)
}

// read takes the budget from a response's headers, and reports whether it
// had one.
func (b *budget) read(h http.Header, now time.Time) bool {
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
	current := !b.seen || !b.last.until.After(now) || !until.Before(b.last.until)
	if current {
		if b.seen && b.last.until.After(now) && remaining < b.last.left && until.Sub(b.last.until) > now.Sub(b.last.at)+tolerance {
			b.refillSeen++
		}
		b.last = reading{at: now, left: remaining, until: until}
	}
	if b.seen && !b.assumed && b.until.After(now) && !until.After(b.until.Add(tolerance)) {
		remaining = min(remaining, b.left)
		if b.until.After(until) {
			until = b.until
		}
	}
	b.seen, b.assumed, b.left, b.until = true, false, remaining, until
	if size, err := strconv.Atoi(h.Get("x-ratelimit-limit-requests")); err == nil && size > 0 {
		b.size = size
	}
	if remaining == 0 && reset > b.window {
		// The longest reset seen with nothing left: the window.
		b.window = reset
	}
	return true
}

// limit is the headers' limit in requests a minute: their limit over the
// longest reset seen with nothing left. ok is false until both are known.
func (b *budget) limit() (perMinute float64, ok bool) {
	if b.size <= 0 || b.window <= 0 {
		return 0, false
	}
	return float64(b.size) / b.window.Minutes(), true
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
