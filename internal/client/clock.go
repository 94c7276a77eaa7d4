package client

import (
	"context"
	"time"
)

// Clock is the client's notion of time. Retries and pacing wait through it, so
// tests can run hours of backoff on a fake clock without waiting.
type Clock interface {
	Now() time.Time
	// Sleep waits for d, or returns ctx.Err() as soon as ctx is done.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
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

// untilSleeper is a Clock that can sleep until an instant. Concurrent
// callers waiting for the same instant then wait together: a fake clock that
// jumps on every Sleep does not add their waits up.
type untilSleeper interface {
	SleepUntil(ctx context.Context, t time.Time) error
}

// sleepUntil waits on clock until t.
func sleepUntil(ctx context.Context, clock Clock, t time.Time) error {
	if u, ok := clock.(untilSleeper); ok {
		return u.SleepUntil(ctx, t)
	}
	return clock.Sleep(ctx, t.Sub(clock.Now()))
}
