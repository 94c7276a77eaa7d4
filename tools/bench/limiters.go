package main

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// The limiter matrix: an organization-wide inventory against every limiter
// shape the fake knows, at several rates, learned from hint-less 429s, capped
// with max_requests_per_minute, or paced by x-ratelimit-* headers.

const (
	// windowRequests is what every limiter admits per window (or holds in a
	// full bucket): a rate of R a minute is 10 requests per 600/R seconds, so
	// that each cell spans the same number of windows.
	windowRequests = 10
	// sweepAdminKeys, sweepProjects and the key counts make 62 pages: one of
	// admin keys, one of projects, and 60 of project keys read by
	// sweepWorkers concurrently, as the organization-wide data source does.
	sweepAdminKeys = 50
	sweepProjects  = 45
	sweepWorkers   = 4
)

// sweepProjectKeys gives every third project two pages of keys, the others one.
func sweepProjectKeys(i int) int {
	if i%3 == 2 {
		return 150
	}
	return 40
}

type limiterShape struct {
	name  string
	shape openaitest.RateLimitShape
	burst int
}

var limiterShapes = []limiterShape{
	{"fixed window", openaitest.FixedWindow, 0},
	{"sliding window", openaitest.SlidingWindow, 0},
	{"token bucket, burst 1", openaitest.TokenBucket, 1},
	{"token bucket, burst 10", openaitest.TokenBucket, windowRequests},
}

var limiterRates = []int{10, 60, 240, 1200}

type pacingMode string

const (
	modeLearned pacingMode = "learned"
	modeCapped  pacingMode = "capped"
	modeHeaders pacingMode = "headers"
)

// limiterCell is one sweep of the matrix.
type limiterCell struct {
	shape    limiterShape
	perMin   int
	mode     pacingMode
	realTime bool
	elapsed  time.Duration
	floor    time.Duration // the limiter's
	capFloor time.Duration // a client's that keeps its requests 60/R s apart; 0 unless capped
	served   int
	tooMany  int
	stats    client.RateLimitSnapshot
	err      error
}

func (c limiterCell) window() time.Duration {
	return time.Minute * windowRequests / time.Duration(c.perMin)
}

// ratioTo is the sweep's time over floor.
func (c limiterCell) ratioTo(floor time.Duration) float64 {
	if floor <= 0 {
		return math.Inf(1)
	}
	return c.elapsed.Seconds() / floor.Seconds()
}

// ratio is the sweep's time over the limiter's floor.
func (c limiterCell) ratio() float64 { return c.ratioTo(c.floor) }

// target is the ratio the issue asks for: 1.25 when learned, 1.03 with a
// cap or headers.
func (c limiterCell) target() float64 {
	if c.mode == modeLearned {
		return 1.25
	}
	return 1.03
}

// judgedRatio is the ratio the target is judged on. A capped client keeps
// its requests at least 60/R s apart, as max_requests_per_minute promises,
// so no capped client can take a bucket's burst or a window's last burst at
// once: it is judged against the later of the two floors.
func (c limiterCell) judgedRatio() float64 { return c.ratioTo(max(c.floor, c.capFloor)) }

// limiterFloor is the shortest time in which the limiter admits n requests,
// the first at time 0: a window of L admits ⌈n/L⌉ bursts, one window apart;
// a bucket of b refilled at r admits b at once and then one per 1/r.
func limiterFloor(s limiterShape, perMin, n int) time.Duration {
	window := time.Minute * windowRequests / time.Duration(perMin)
	if s.shape == openaitest.TokenBucket {
		if n <= s.burst {
			return 0
		}
		return time.Duration(n-s.burst) * window / windowRequests
	}
	return time.Duration((n+windowRequests-1)/windowRequests-1) * window
}

// runLimiterMatrix sweeps every cell on the fake clock, then the rates of
// realTimeRates in real time.
func runLimiterMatrix(ctx context.Context, realTimeRates []int, logf func(string, ...any)) ([]limiterCell, error) {
	var cells []limiterCell
	for _, realTime := range []bool{false, true} {
		for _, perMin := range limiterRates {
			if realTime && !slices.Contains(realTimeRates, perMin) {
				continue
			}
			for _, s := range limiterShapes {
				for _, mode := range []pacingMode{modeLearned, modeCapped, modeHeaders} {
					c := limiterCell{shape: s, perMin: perMin, mode: mode, realTime: realTime}
					limiterSweep(ctx, &c)
					if c.err != nil {
						return cells, fmt.Errorf("%s at %d/min, %s: %w", s.name, perMin, mode, c.err)
					}
					logf("%-24s %5d/min %-8s %-5s %9s floor %9s ratio %.2f, %d 429s",
						s.name, perMin, mode, clockName(realTime), seconds(c.elapsed), seconds(c.floor), c.ratio(), c.tooMany)
					cells = append(cells, c)
				}
			}
		}
	}
	return cells, nil
}

func clockName(realTime bool) string {
	if realTime {
		return "real"
	}
	return "fake"
}

// limiterSweep lists 50 admin keys and 45 projects together, then the keys of
// every project with four workers, all through one client.
func limiterSweep(ctx context.Context, c *limiterCell) {
	var clock openaitest.Clock = openaitest.RealClock{}
	var fake *openaitest.FakeClock
	if !c.realTime {
		fake = openaitest.NewFakeClock(time.Unix(1_800_000_000, 0).UTC())
		clock = fake
	}
	srv := openaitest.NewServer(openaitest.Options{
		Clock:             clock,
		RateLimitRequests: windowRequests,
		RateLimitWindow:   c.window(),
		RateLimitShape:    c.shape.shape,
		RateLimitBurst:    c.shape.burst,
		RateLimitHeaders:  c.mode == modeHeaders,
	})
	defer srv.Close()
	srv.SeedAdminKeys(sweepAdminKeys)
	projects, _ := srv.SeedProjects(sweepProjects, sweepProjectKeys)

	cfg := client.Config{AdminKey: openaitest.DefaultAdminKey, BaseURL: srv.URL(), MaxRetries: 30, MaxRetryWait: time.Hour}
	if fake != nil {
		cfg.Clock = fake
	}
	if c.mode == modeCapped {
		cfg.MaxRequestsPerMinute = c.perMin
	}
	cl, err := client.New(cfg)
	if err != nil {
		c.err = err
		return
	}
	stats := &client.RateLimitStats{}
	ctx = client.WithRateLimitStats(ctx, stats)

	// Every goroutine joins the fake clock before any starts, so that the
	// clock moves only when all of them wait.
	join := func() func() {
		if fake == nil {
			return func() {}
		}
		return fake.Join()
	}
	var (
		mu   sync.Mutex
		errs []error
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		errs = append(errs, err)
	}
	start := clock.Now()
	var wg sync.WaitGroup
	leaveA, leaveB := join(), join()
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer leaveA()
		if _, err := cl.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{}); err != nil {
			fail(err)
		}
	}()
	go func() {
		defer wg.Done()
		defer leaveB()
		if _, err := cl.ListProjects(ctx, client.ListProjectsOptions{IncludeArchived: true}); err != nil {
			fail(err)
		}
	}()
	wg.Wait()

	ids := make(chan string, len(projects))
	for _, p := range projects {
		ids <- p.ID
	}
	close(ids)
	leaves := make([]func(), sweepWorkers)
	for i := range leaves {
		leaves[i] = join()
	}
	for _, leave := range leaves {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer leave()
			for id := range ids {
				if _, err := cl.ListProjectAPIKeys(ctx, id, client.ListProjectAPIKeysOptions{OwnerProjectAccess: client.OwnerProjectAccessAny}); err != nil {
					fail(err)
				}
			}
		}()
	}
	wg.Wait()
	c.elapsed = clock.Now().Sub(start)
	if len(errs) > 0 {
		c.err = errs[0]
		return
	}
	for _, r := range srv.Requests() {
		switch r.Status {
		case 200:
			c.served++
		case 429:
			c.tooMany++
		}
	}
	c.stats = stats.Snapshot()
	c.floor = limiterFloor(c.shape, c.perMin, c.served)
	if c.mode == modeCapped && c.served > 0 {
		c.capFloor = time.Duration(c.served-1) * time.Minute / time.Duration(c.perMin)
	}
}

// limiterMarkdown is the matrix's section of BENCHMARKS.md.
func limiterMarkdown(cells []limiterCell) string {
	var b strings.Builder
	fmt.Fprintln(&b, limiterHeading)
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "An organization-wide inventory against each limiter shape of the fake Admin API, all answering 429 without")
	fmt.Fprintln(&b, "`Retry-After`: 50 admin keys (1 page) and 45 projects (1 page) listed together, then the keys of the 45 projects")
	fmt.Fprintln(&b, "(3,450 keys, 60 pages) read by 4 workers through the same client: 62 accepted requests.")
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "- **Limiters.** A rate of R a minute admits %d requests per window of %d×60/R s (60 s at 10/min, 10 s at 60/min,\n", windowRequests, windowRequests)
	fmt.Fprintln(&b, "  2.5 s at 240/min, 0.5 s at 1200/min), so every cell spans the same number of windows. *Fixed window*: windows")
	fmt.Fprintln(&b, "  follow each other from the first request. *Sliding window*: at most 10 in any window-long span. *Token bucket*:")
	fmt.Fprintln(&b, "  refilled at R a minute, holding 1 or 10 requests, full at the start.")
	fmt.Fprintln(&b, "- **Floor**, for N = 62 accepted requests, the first at time 0: a window admits a burst of 10 per window, so")
	fmt.Fprintln(&b, "  (⌈N/10⌉ − 1) windows; a bucket of b admits b at once, then one per 60/R s, so (N − b)·60/R s.")
	fmt.Fprintln(&b, "- **Modes.** *learned*: no hints, no cap, the client learns from 429s. *capped*: `max_requests_per_minute = R`,")
	fmt.Fprintln(&b, "  which stays a floor on the spacing of requests: the client spaces them 60/R s apart plus a 1% margin, so it")
	fmt.Fprintln(&b, "  cannot take a burst at once. *headers*: the fake sends `x-ratelimit-limit-requests`,")
	fmt.Fprintln(&b, "  `x-ratelimit-remaining-requests` and `x-ratelimit-reset-requests` (time until the limiter is back to its")
	fmt.Fprintln(&b, "  initial state; a bucket's time until full) on every response.")
	fmt.Fprintln(&b, "- **Clock.** *fake*: client and fake share a `FakeClock` that every sweeping goroutine joins, so it moves only when")
	fmt.Fprintln(&b, "  all of them wait, and HTTP takes no time on it. *real*: the wall clock over loopback, run once.")
	fmt.Fprintln(&b, "- **Cap's floor**, capped only: (N − 1)·60/R s, the shortest sweep of any client that keeps requests 60/R s")
	fmt.Fprintln(&b, "  apart. It equals the limiter's floor for the bucket of 1 and is later for the others, whose floors take 10")
	fmt.Fprintln(&b, "  requests at once.")
	fmt.Fprintln(&b, "- **Target**: time ≤ 1.25 × floor when learned, ≤ 1.03 × floor with headers, ≤ 1.03 × the later of the two")
	fmt.Fprintln(&b, "  floors when capped. The ratio to the limiter's floor is shown for every cell.")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "| limiter | rate | mode | clock | time | floor | ratio | cap's floor | ratio to it | target met | 429s | waited (sum over requests) | suggested `max_requests_per_minute` |")
	fmt.Fprintln(&b, "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
	for _, c := range cells {
		capFloor, capRatio := "—", "—"
		if c.capFloor > 0 {
			capFloor, capRatio = seconds(c.capFloor), fmt.Sprintf("%.3f", c.ratioTo(c.capFloor))
		}
		fmt.Fprintf(&b, "| %s | %d/min | %s | %s | %s | %s | %.3f | %s | %s | %s | %d | %s | %d |\n",
			c.shape.name, c.perMin, c.mode, clockName(c.realTime), seconds(c.elapsed), seconds(c.floor), c.ratio(),
			capFloor, capRatio, yes(c.judgedRatio() <= c.target()), c.tooMany, seconds(c.stats.Waited), c.stats.SuggestedMaxRequestsPerMinute)
	}
	return b.String()
}

const limiterHeading = "## Limiter matrix"

// spliceSection replaces the section under heading of an existing report,
// up to the next "## " heading, or appends it.
func spliceSection(report, heading, section string) string {
	if i := strings.Index(report, heading); i >= 0 {
		rest := report[i+len(heading):]
		end := len(report)
		if j := strings.Index(rest, "\n## "); j >= 0 {
			end = i + len(heading) + j + 1
		}
		return report[:i] + section + tail(report[end:])
	}
	return strings.TrimRight(report, "\n") + "\n\n" + section
}

func tail(s string) string {
	if s == "" {
		return ""
	}
	return "\n" + s
}
