package openaitest

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestFakeClock(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := NewFakeClock(start)
	if !c.Now().Equal(start) {
		t.Fatalf("Now %v, want %v", c.Now(), start)
	}
	if err := c.Sleep(context.Background(), 90*time.Minute); err != nil {
		t.Fatal(err)
	}
	c.Advance(time.Second)
	if got := c.Now().Sub(start); got != 90*time.Minute+time.Second {
		t.Fatalf("clock moved %v", got)
	}
	if c.Slept() != 90*time.Minute {
		t.Fatalf("Slept %v, want 90m (Advance is not sleeping)", c.Slept())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep on a cancelled context: %v", err)
	}
	if c.Slept() != 90*time.Minute || c.Now().Sub(start) != 90*time.Minute+time.Second {
		t.Fatal("a cancelled Sleep moved the clock")
	}
	if err := c.Sleep(context.Background(), -time.Second); err != nil || c.Slept() != 90*time.Minute {
		t.Fatalf("negative Sleep: %v, slept %v", err, c.Slept())
	}
}

func TestRealClockSleepStopsOnCancel(t *testing.T) {
	var c Clock = RealClock{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// An hour-long sleep must return at once; the test would time out otherwise.
	if err := c.Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep on a cancelled context: %v", err)
	}
	if err := c.Sleep(context.Background(), 0); err != nil {
		t.Fatalf("Sleep(0): %v", err)
	}
	if time.Since(c.Now()) > time.Minute {
		t.Fatal("RealClock.Now is not the wall clock")
	}
}
