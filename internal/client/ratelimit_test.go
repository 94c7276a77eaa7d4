package client_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// sweepProjects lists the keys of every project with workers concurrent
// callers, all joined to the fake clock so that it moves as real time would.
func sweepProjects(t *testing.T, c *client.Client, clock *openaitest.FakeClock, ctx context.Context, ids []string, workers int) {
	t.Helper()
	queue := make(chan string, len(ids))
	for _, id := range ids {
		queue <- id
	}
	close(queue)
	leaves := make([]func(), workers)
	for i := range leaves {
		leaves[i] = clock.Join()
	}
	var wg sync.WaitGroup
	for _, leave := range leaves {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer leave()
			for id := range queue {
				if _, err := c.ListProjectAPIKeys(ctx, id, client.ListProjectAPIKeysOptions{OwnerProjectAccess: client.OwnerProjectAccessAny}); err != nil {
					t.Errorf("project %s: %v", id, err)
				}
			}
		}()
	}
	wg.Wait()
}

// TestRateLimitHeadersAvoid429s sweeps 46 projects (61 pages) with four
// concurrent callers against every limiter shape of the fake, which sends the
// x-ratelimit-* headers: the client never exceeds the budget they announce,
// and uses all of it. A bucket's refill counts: a bucket of 10 that were
// waited out until full would take 15 s.
func TestRateLimitHeadersAvoid429s(t *testing.T) {
	for _, tc := range []struct {
		name  string
		shape openaitest.RateLimitShape
		burst int
		floor time.Duration // for 61 pages at 10 per 2.5 s
	}{
		{"fixed window", openaitest.FixedWindow, 0, 15 * time.Second},                // 7 windows, the first at 0
		{"sliding window", openaitest.SlidingWindow, 0, 15 * time.Second},            // the same
		{"token bucket of 1", openaitest.TokenBucket, 1, 15 * time.Second},           // 60 refills of 250 ms
		{"token bucket of 10", openaitest.TokenBucket, 10, 12750 * time.Millisecond}, // 10 at once, then 51 refills
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, openaitest.Options{RateLimitRequests: 10, RateLimitWindow: 2500 * time.Millisecond,
				RateLimitShape: tc.shape, RateLimitBurst: tc.burst, RateLimitHeaders: true})
			projects, _ := f.srv.SeedProjects(46, func(i int) int { return 40 + 60*(i%3) })
			ids := make([]string, len(projects))
			for i, p := range projects {
				ids[i] = p.ID
			}
			start := f.clock.Now()
			sweepProjects(t, f.c, f.clock, context.Background(), ids, 4)
			served, refused := 0, 0
			for _, r := range f.srv.Requests() {
				switch r.Status {
				case http.StatusOK:
					served++
				case http.StatusTooManyRequests:
					refused++
				}
			}
			if refused != 0 {
				t.Errorf("%d 429s against a fake that announces its budget", refused)
			}
			elapsed := f.clock.Now().Sub(start)
			if served != 61 || elapsed > tc.floor*103/100 {
				t.Errorf("%d pages in %s, want 61 within 3%% of the limiter's floor %s", served, elapsed, tc.floor)
			}
		})
	}
}

func TestRateLimitStats(t *testing.T) {
	f := newFixture(t, openaitest.Options{RateLimitRequests: 10, RateLimitWindow: 10 * time.Second,
		RateLimitShape: openaitest.FixedWindow})
	f.srv.SeedAdminKeys(3_000)
	var stats client.RateLimitStats
	ctx := client.WithRateLimitStats(context.Background(), &stats)
	if _, err := f.c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{}); err != nil {
		t.Fatal(err)
	}
	got := stats.Snapshot()
	refused := 0
	for _, r := range f.srv.Requests() {
		if r.Status == http.StatusTooManyRequests {
			refused++
		}
	}
	if got.Requests != len(f.srv.Requests()) || got.TooManyRequests != refused || refused == 0 {
		t.Errorf("recorded %d requests and %d 429s; the fake saw %d and %d", got.Requests, got.TooManyRequests, len(f.srv.Requests()), refused)
	}
	// One caller: every second it slept was for the rate limit.
	if got.Waited != f.clock.Slept() || got.Waited == 0 {
		t.Errorf("waited %s, the clock slept %s", got.Waited, f.clock.Slept())
	}
	// 10 requests per 10 s is 60 a minute: the suggestion stays under it.
	if s := got.SuggestedMaxRequestsPerMinute; s < 45 || s > 60 {
		t.Errorf("suggested max_requests_per_minute %d, want 45 to 60", s)
	}
	// Requests without the context record nothing.
	if _, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{}); err != nil {
		t.Fatal(err)
	}
	if again := stats.Snapshot(); again != got {
		t.Errorf("a request without the stats context recorded into them: %+v, was %+v", again, got)
	}
}

// TestRateLimitBudgetNamesTheLearnedLimit sweeps against a limit of two
// requests a minute with a minute of wait budget: the probe for the end of
// the window would wait past the budget, so the request fails at once,
// saying what the client learned (at most 2 accepted in 31.75 s) and what
// to set.
func TestRateLimitBudgetNamesTheLearnedLimit(t *testing.T) {
	f := newFixture(t, openaitest.Options{RateLimitPerMinute: 2, RateLimitShape: openaitest.FixedWindow},
		func(c *client.Config) { c.MaxRetryWait = time.Minute; c.MaxRetries = 20 })
	f.srv.SeedAdminKeys(2_000)
	_, err := f.c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	rlErr, ok := client.AsRateLimitError(err)
	if !ok || !client.IsRateLimited(err) {
		t.Fatalf("got %v, want a *RateLimitError", err)
	}
	if rlErr.Budget != time.Minute || rlErr.Waited > time.Minute {
		t.Errorf("waited %s of a %s budget, want at most a minute", rlErr.Waited, rlErr.Budget)
	}
	if want := 2 / 31.75 * 60; rlErr.LearnedPerMinute < want*0.99 || rlErr.LearnedPerMinute > want*1.01 {
		t.Errorf("learned %.2f requests a minute, want %.2f", rlErr.LearnedPerMinute, want)
	}
	if s := rlErr.SuggestedMaxRequestsPerMinute; s != 3 {
		t.Errorf("suggested %d, want 3", s)
	}
	var apiErr *client.APIError
	if rlErr.Err != nil && !errors.As(err, &apiErr) {
		t.Errorf("the last 429 is not an *APIError: %v", rlErr.Err)
	}
	t.Log(err)
}

// TestConcurrentSweepsReuseConnections sweeps 80 projects with four
// concurrent callers. Go's default pool keeps two idle connections per host,
// so the other callers redial (over TLS, against the real API) and delay
// their requests unevenly: 12 to 25 connections in 300 runs here. The
// client's pool keeps one for each caller: 4 to 7, more than 4 when a caller
// asks again before its connection is back in the pool.
func TestConcurrentSweepsReuseConnections(t *testing.T) {
	f := newFixture(t, openaitest.Options{})
	projects, _ := f.srv.SeedProjects(80, func(int) int { return 40 })
	ids := make([]string, len(projects))
	for i, p := range projects {
		ids[i] = p.ID
	}
	sweepProjects(t, f.c, f.clock, context.Background(), ids, 4)
	if n := f.srv.Connections(); n > 10 {
		t.Errorf("4 concurrent callers opened %d connections for %d requests, want at most 10", n, len(f.srv.Requests()))
	}
}
