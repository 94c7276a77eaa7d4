package openaitest

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Clock is the notion of time shared by the fake and the client, so tests can
// run minutes of rate limiting and backoff without waiting.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or returns ctx.Err() as soon as ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits for d on a timer, returning early with ctx.Err() when ctx is done.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// FakeClock is a Clock that only moves when told to. By default Sleep
// advances it at once, so a client that backs off for an hour finishes
// instantly and the fake's rate limiter sees the hour pass. Concurrent
// Sleeps add up that way; concurrent SleepUntils of the same instant do not.
//
// For time that behaves like real time, callers that run concurrently Join
// the clock first: while any goroutine has joined, a Sleep blocks until
// every joined goroutine is sleeping (or has left), and then the clock jumps
// to the earliest wake-up and wakes whoever is due, as real time would. Work
// done between sleeps, HTTP included, takes no time on the clock.
type FakeClock struct {
	mu       sync.Mutex
	now      time.Time
	slept    time.Duration
	joined   int
	sleepers []*sleeper
}

type sleeper struct {
	until time.Time
	wake  chan struct{}
	woken bool
}

// NewFakeClock returns a FakeClock reading start.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start}
}

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Join makes the calling goroutine a participant until the returned leave
// is called: the clock moves only when every participant sleeps.
func (c *FakeClock) Join() (leave func()) {
	c.mu.Lock()
	c.joined++
	c.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.joined--
			c.advanceLocked()
		})
	}
}

// Sleep waits for d on the clock. A done ctx wins: it returns ctx.Err(), and
// a sleep cut short moves the clock no further than other sleepers do.
func (c *FakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
	}
	c.mu.Lock()
	return c.sleepLocked(ctx, c.now.Add(d))
}

// SleepUntil waits until the clock reads t, or returns ctx.Err() as soon as
// ctx is done. Without participants it moves the clock to t at once, unless
// it is already past: sleepers waiting for the same instant do not add up.
func (c *FakeClock) SleepUntil(ctx context.Context, t time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	if !t.After(c.now) {
		c.mu.Unlock()
		return nil
	}
	return c.sleepLocked(ctx, t)
}

// sleepLocked sleeps until t, which is after now; it unlocks c.mu.
func (c *FakeClock) sleepLocked(ctx context.Context, t time.Time) error {
	if c.joined == 0 {
		c.slept += t.Sub(c.now)
		c.now = t
		c.mu.Unlock()
		return nil
	}
	start := c.now
	s := &sleeper{until: t, wake: make(chan struct{})}
	c.sleepers = append(c.sleepers, s)
	c.advanceLocked()
	c.mu.Unlock()
	select {
	case <-s.wake:
		c.mu.Lock()
		c.slept += c.now.Sub(start)
		c.mu.Unlock()
		return nil
	case <-ctx.Done():
		c.mu.Lock()
		defer c.mu.Unlock()
		if !s.woken {
			c.sleepers = slices.DeleteFunc(c.sleepers, func(x *sleeper) bool { return x == s })
			c.slept += c.now.Sub(start)
			// One fewer runner may be all the others waited for.
			c.advanceLocked()
		}
		return ctx.Err()
	}
}

// advanceLocked jumps to the earliest wake-up once every participant sleeps,
// and wakes the sleepers that are due.
func (c *FakeClock) advanceLocked() {
	if len(c.sleepers) == 0 || len(c.sleepers) < c.joined {
		return
	}
	earliest := c.sleepers[0].until
	for _, s := range c.sleepers[1:] {
		if s.until.Before(earliest) {
			earliest = s.until
		}
	}
	if earliest.After(c.now) {
		c.now = earliest
	}
	c.wakeDueLocked()
}

// wakeDueLocked wakes the sleepers whose time has come.
func (c *FakeClock) wakeDueLocked() {
	kept := c.sleepers[:0]
	for _, s := range c.sleepers {
		if s.until.After(c.now) {
			kept = append(kept, s)
			continue
		}
		s.woken = true
		close(s.wake)
	}
	c.sleepers = kept
}

// Advance moves the clock forward by d without counting it as slept, and
// wakes the sleepers it passes.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.wakeDueLocked()
}

// Slept returns the total time passed to Sleep so far; with participants,
// the time each sleeper actually slept, summed.
func (c *FakeClock) Slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slept
}
