package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// The limiter matrix's organization planned by the real terraform: one
// openai_api_keys data source, whose read lists the admin keys, then the
// projects, then four projects' keys at a time, against short hint-less
// windows, in real time. What the matrix's client-only sweeps leave out,
// terraform's and the provider's own time and the read's order, is in here.

// terraformLimiter is one limiter of the section.
type terraformLimiter struct {
	name     string
	shape    openaitest.RateLimitShape
	requests int
	window   time.Duration
	latency  time.Duration // added to every admitted request's answer
	target   bool          // judged against terraformLimiterTarget
}

// The two the target is for, then what a clock-aligned window and a real
// API's latency make of them.
var terraformLimiters = []terraformLimiter{
	{"fixed window, 10 per 2.5 s", openaitest.FixedWindow, 10, 2500 * time.Millisecond, 0, true},
	{"sliding window, 12 per 3 s", openaitest.SlidingWindow, 12, 3 * time.Second, 0, true},
	{"aligned window, 10 per 2.5 s", openaitest.AlignedWindow, 10, 2500 * time.Millisecond, 0, false},
	{"fixed window, 10 per 2.5 s, 100 ms latency", openaitest.FixedWindow, 10, 2500 * time.Millisecond, 100 * time.Millisecond, false},
	{"sliding window, 12 per 3 s, 100 ms latency", openaitest.SlidingWindow, 12, 3 * time.Second, 100 * time.Millisecond, false},
}

// terraformLimiterTarget is the most a plan may take over its floor.
const terraformLimiterTarget = 1.25

type terraformLimiterRun struct {
	wall    time.Duration
	served  int
	tooMany int
}

type terraformLimiterResult struct {
	limiter terraformLimiter
	floor   time.Duration // the limiter's, for the accepted requests
	runs    []terraformLimiterRun
}

type terraformLimiterSection struct {
	unlimited time.Duration // the same plan's median without a limit
	results   []terraformLimiterResult
}

const terraformLimiterConfig = requiredProviders + `provider "openai" {}
data "openai_api_keys" "all" {
  include_archived_projects = true
}
output "keys" { value = length(data.openai_api_keys.all.ids) }
`

// seedSweepOrganization fills srv with the limiter matrix's organization and
// returns how many keys openai_api_keys lists.
func seedSweepOrganization(srv *openaitest.Server) int {
	n := len(srv.SeedAdminKeys(sweepAdminKeys))
	_, keys := srv.SeedProjects(sweepProjects, sweepProjectKeys)
	for _, k := range keys {
		n += len(k)
	}
	return n
}

// windowFloor is the shortest time in which a window of limit admits n
// requests, the first at time 0: ⌈n/limit⌉ bursts, a window apart.
func windowFloor(n, limit int, window time.Duration) time.Duration {
	return time.Duration((n+limit-1)/limit-1) * window
}

// terraformLimiterBench plans the organization runs times without a limit,
// then runs times against each limiter.
func terraformLimiterBench(ctx context.Context, terraform, work, rc string, runs int) (*terraformLimiterSection, error) {
	dir := filepath.Join(work, "terraform-limiters")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(terraformLimiterConfig), 0o644); err != nil {
		return nil, err
	}
	sec := &terraformLimiterSection{}
	srv := openaitest.NewServer(openaitest.Options{})
	keys := seedSweepOrganization(srv)
	var walls []time.Duration
	for range runs {
		wall, err := planOnce(ctx, terraform, dir, planEnv(work, rc, srv.URL(), ""), keys)
		if err != nil {
			srv.Close()
			return nil, err
		}
		walls = append(walls, wall)
	}
	srv.Close()
	sec.unlimited = median(walls)

	for _, l := range terraformLimiters {
		res := terraformLimiterResult{limiter: l}
		for i := range runs {
			srv := openaitest.NewServer(openaitest.Options{RateLimitRequests: l.requests, RateLimitWindow: l.window, RateLimitShape: l.shape})
			seedSweepOrganization(srv)
			if l.latency > 0 {
				// Every admitted request answers that much later.
				srv.Inject(openaitest.Fault{Kind: openaitest.FaultLatency, Latency: l.latency, Times: 1 << 20})
			}
			wall, err := planOnce(ctx, terraform, dir, planEnv(work, rc, srv.URL(), ""), keys)
			if err != nil {
				srv.Close()
				return nil, err
			}
			run := terraformLimiterRun{wall: wall}
			for _, r := range srv.Requests() {
				switch r.Status {
				case 200:
					run.served++
				case 429:
					run.tooMany++
				}
			}
			srv.Close()
			res.runs = append(res.runs, run)
			res.floor = windowFloor(run.served, l.requests, l.window)
			log.Printf("terraform, %s, run %d: %s, floor %s + %s unlimited, %d 429s", l.name, i+1, seconds(wall),
				seconds(res.floor), seconds(sec.unlimited), run.tooMany)
		}
		sec.results = append(sec.results, res)
	}
	return sec, nil
}

const terraformLimiterHeading = "## Learned pacing through terraform"

func (s *terraformLimiterSection) markdown() string {
	var b strings.Builder
	fmt.Fprintln(&b, terraformLimiterHeading)
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "The limiter matrix's organization (62 accepted requests) planned by the real terraform: one `openai_api_keys`")
	fmt.Fprintln(&b, "with `include_archived_projects = true`, whose read lists the admin keys, then the projects, then the keys of")
	fmt.Fprintln(&b, "four projects at a time, through the built provider against the fake in real time. The limiters answer 429")
	fmt.Fprintln(&b, "without hints and the provider has no cap: it learns. The limiter's floor is (⌈N/L⌉ − 1) windows for N")
	fmt.Fprintf(&b, "accepted requests; the plan's floor adds the same plan's median time without a limit (%s), which is what\n", seconds(s.unlimited))
	fmt.Fprintf(&b, "terraform and the provider spend besides waiting. Target, for the first two: at most %.2f × the limiter's\n", terraformLimiterTarget)
	fmt.Fprintln(&b, "floor, in every run. An aligned window counts from multiples of its length, so the first request may come late in")
	fmt.Fprintln(&b, "its window and the floor is shorter than shown; the latency rows answer every admitted request 100 ms late, as")
	fmt.Fprintln(&b, "a distant API would, and their floors leave that out.")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "| limiter | run | plan | limiter's floor | ratio to it | plan's floor | ratio to it | target met | 429s |")
	fmt.Fprintln(&b, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
	for _, r := range s.results {
		for i, run := range r.runs {
			ratio := run.wall.Seconds() / r.floor.Seconds()
			withTerraform := r.floor + s.unlimited
			fmt.Fprintf(&b, "| %s | %d | %s | %s | %.3f | %s | %.3f | %s | %d |\n", r.limiter.name, i+1, seconds(run.wall),
				seconds(r.floor), ratio, seconds(withTerraform), run.wall.Seconds()/withTerraform.Seconds(),
				met(r.limiter.target, ratio <= terraformLimiterTarget), run.tooMany)
		}
	}
	return b.String()
}

// met is yes or no for a judged row, and says so for one that is not.
func met(judged, ok bool) string {
	if !judged {
		return "(not a target)"
	}
	return yes(ok)
}
