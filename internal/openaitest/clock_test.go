package openaitest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
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

// TestFakeClockJoinedSleepersOverlap runs three participants that sleep 3 s,
// 1 s and 2 s at once: the clock moves as real time would, to 3 s in all,
// and wakes them in order.
func TestFakeClockJoinedSleepersOverlap(t *testing.T) {
	start := time.Unix(0, 0)
	c := NewFakeClock(start)
	var (
		mu    sync.Mutex
		order []time.Duration
		wg    sync.WaitGroup
	)
	durations := []time.Duration{3 * time.Second, time.Second, 2 * time.Second}
	// Join all before any starts, or the first would sleep alone.
	leaves := make([]func(), len(durations))
	for i := range leaves {
		leaves[i] = c.Join()
	}
	for i, d := range durations {
		leave := leaves[i]
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer leave()
			if err := c.Sleep(context.Background(), d); err != nil {
				t.Error(err)
			}
			mu.Lock()
			order = append(order, c.Now().Sub(start))
			mu.Unlock()
		}()
	}
	wg.Wait()
	if got := c.Now().Sub(start); got != 3*time.Second {
		t.Fatalf("clock moved %s, want 3s", got)
	}
	if !slices.Equal(order, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}) {
		t.Fatalf("woke at %v, want 1s, 2s, 3s", order)
	}
	if c.Slept() != 6*time.Second {
		t.Fatalf("Slept %s, want 6s summed over the sleepers", c.Slept())
	}
}

// TestFakeClockWaitsForRunningParticipants keeps a participant busy: a
// sleeper does not wake until it sleeps too or leaves.
func TestFakeClockWaitsForRunningParticipants(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := NewFakeClock(time.Unix(0, 0))
		leaveBusy := c.Join()
		leaveSleeper := c.Join()
		done := make(chan struct{})
		go func() {
			defer close(done)
			defer leaveSleeper()
			_ = c.Sleep(context.Background(), time.Hour)
		}()
		synctest.Wait()
		select {
		case <-done:
			t.Fatal("a sleeper woke while another participant was running")
		default:
		}
		if c.Now() != time.Unix(0, 0) {
			t.Fatal("the clock moved while a participant was running")
		}
		leaveBusy()
		<-done
		if c.Now() != time.Unix(3600, 0) {
			t.Fatalf("clock %v, want an hour later", c.Now())
		}
		// A cancelled sleeper lets go at once, and the clock stays.
		leave := c.Join()
		defer leave()
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		leave2 := c.Join()
		go func() { defer leave2(); errc <- c.Sleep(ctx, time.Hour) }()
		cancel()
		if err := <-errc; !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled joined sleep: %v", err)
		}
		if c.Now() != time.Unix(3600, 0) {
			t.Fatal("a cancelled sleep moved the clock")
		}
	})
}

func TestFakeClockSleepUntil(t *testing.T) {
	c := NewFakeClock(time.Unix(0, 0))
	// Without participants, sleepers until the same instant do not add up.
	for range 3 {
		if err := c.SleepUntil(context.Background(), time.Unix(5, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if c.Now() != time.Unix(5, 0) || c.Slept() != 5*time.Second {
		t.Fatalf("now %v slept %s, want 5 s and 5s", c.Now(), c.Slept())
	}
	if err := c.SleepUntil(context.Background(), time.Unix(1, 0)); err != nil || c.Now() != time.Unix(5, 0) {
		t.Fatalf("sleeping until the past: %v, now %v", err, c.Now())
	}
}
