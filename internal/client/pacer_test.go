package client

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

func TestPacerRateLimitSlowsEveryCaller(t *testing.T) {
	ctx := context.Background()
	clock := openaitest.NewFakeClock(time.Unix(0, 0))
	p := newPacer(clock, 0)
	ok := &http.Response{StatusCode: http.StatusOK}
	limited := &http.Response{StatusCode: http.StatusTooManyRequests}

	// Unpaced until the API objects.
	for range 10 {
		if d, _ := p.wait(ctx); d != 0 {
			t.Fatalf("waited %s before any 429", d)
		}
		p.observe(ok, 0, false)
	}
	// A hinted 429 holds back whoever asks next, not only the caller that got it.
	p.observe(limited, 5*time.Second, true)
	if d, _ := p.wait(ctx); d != 5*time.Second {
		t.Fatalf("next caller waited %s after a 5 s hint, want 5s", d)
	}
	// Hint-less 429s grow the spacing from 50 ms by half each time, but never
	// past the rate the API accepted in the last minute: 10 requests, 6 s.
	p.observe(limited, 0, false)
	if p.interval != 50*time.Millisecond {
		t.Fatalf("spacing after one hint-less 429: %s, want 50ms", p.interval)
	}
	p.observe(limited, 0, false)
	if p.interval != 75*time.Millisecond {
		t.Fatalf("spacing after two hint-less 429s: %s, want 75ms", p.interval)
	}
	for range 20 {
		p.observe(limited, 0, false)
	}
	if p.interval != 6*time.Second {
		t.Fatalf("spacing after many hint-less 429s: %s, want 6s", p.interval)
	}
	// Every caller is spaced, not only the one that got the 429.
	var waits []time.Duration
	for range 3 {
		d, _ := p.wait(ctx)
		waits = append(waits, d)
	}
	if waits[0] != 6*time.Second || waits[1] != 6*time.Second || waits[2] != 6*time.Second {
		t.Fatalf("waits %v, want 6s each", waits)
	}
	// Successes probe the spacing down by 1% each.
	p.observe(ok, 0, false)
	if want := 6*time.Second - 60*time.Millisecond; p.interval != want {
		t.Fatalf("spacing after a success: %s, want %s", p.interval, want)
	}
}

func TestPacerFloorFromConfiguredCap(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(0, 0))
	p := newPacer(clock, 600)
	for i := range 5 {
		d, _ := p.wait(context.Background())
		// 100 ms a request, plus the 3% margin.
		if want := time.Duration(min(i, 1)) * 103 * time.Millisecond; d != want {
			t.Fatalf("wait %d = %s, want %s", i, d, want)
		}
		p.observe(&http.Response{StatusCode: http.StatusOK}, 0, false)
	}
}

func TestPacerWaitStopsOnCancel(t *testing.T) {
	p := newPacer(realClock{}, 1) // one request a minute
	if _, err := p.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.wait(ctx); err == nil {
		t.Fatal("a cancelled wait for the next minute returned no error")
	}
}
