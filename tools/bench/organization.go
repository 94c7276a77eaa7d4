package main

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// The organization-wide inventory: openai_api_keys over 50 admin keys and 300
// projects of about 10,000 keys.
const (
	orgAdminKeys = 50
	orgProjects  = 300
	// orgRateLimit is the fake's limit for the rate-limited runs, a token
	// bucket of orgBurst.
	orgRateLimit = 600
	orgBurst     = 2
)

// orgKeysPer gives every tenth project 250 keys (three pages) and the others
// 0 to 18, about 9,900 keys in all.
func orgKeysPer(i int) int {
	if i%10 == 0 {
		return 250
	}
	return i % 19
}

type orgResult struct {
	admin, projects, keys int
	floorRequests         int
	requests              float64 // per plan
	planWall              time.Duration
	planWalls             []time.Duration
	rssMiB                float64
	paced                 []orgPaced
}

type orgPaced struct {
	name     string
	wall     time.Duration
	floor    time.Duration
	requests int
	tooMany  int
}

const orgConfig = requiredProviders + `variable "max_requests_per_minute" {
  type    = number
  default = null
}
provider "openai" {
  max_requests_per_minute = var.max_requests_per_minute
}
data "openai_api_keys" "all" {
  include_archived_projects = true
}
output "keys" { value = length(data.openai_api_keys.all.ids) }
`

// seedOrganization fills srv and returns the counts and the request floor:
// ⌈A/100⌉ + ⌈P/100⌉ + Σ max(1, ⌈kₚ/100⌉).
func seedOrganization(srv *openaitest.Server, r *orgResult) {
	pages := func(n int) int { return max(1, (n+99)/100) }
	srv.SeedAdminKeys(orgAdminKeys)
	_, keys := srv.SeedProjects(orgProjects, orgKeysPer)
	r.admin, r.projects, r.keys = orgAdminKeys, orgProjects, orgAdminKeys
	r.floorRequests = pages(orgAdminKeys) + pages(orgProjects)
	for _, k := range keys {
		r.keys += len(k)
		r.floorRequests += pages(len(k))
	}
}

func organizationBench(ctx context.Context, terraform, work, rc string, runs int) (*orgResult, error) {
	r := &orgResult{}
	srv := openaitest.NewServer(openaitest.Options{})
	defer srv.Close()
	seedOrganization(srv, r)

	dir := filepath.Join(work, "organization")
	rssDir := filepath.Join(dir, "rss")
	if err := os.MkdirAll(rssDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(orgConfig), 0o644); err != nil {
		return nil, err
	}
	env := planEnv(work, rc, srv.URL(), rssDir)
	log.Printf("planning the organization: %d admin keys, %d projects, %d keys in all", r.admin, r.projects, r.keys)
	for range runs {
		wall, err := planOnce(ctx, terraform, dir, env, r.keys)
		if err != nil {
			return nil, err
		}
		r.planWalls = append(r.planWalls, wall)
	}
	r.planWall = median(r.planWalls)
	r.requests = float64(len(srv.Requests())) / float64(runs)
	var err error
	if r.rssMiB, err = peakRSS(rssDir); err != nil {
		return nil, err
	}

	for _, v := range []struct {
		name   string
		opts   openaitest.Options
		capped bool
	}{
		{name: "learned from hint-less 429s", opts: openaitest.Options{}},
		{name: "`max_requests_per_minute = 600`", opts: openaitest.Options{}, capped: true},
		{name: "`x-ratelimit-*` headers, no cap", opts: openaitest.Options{RateLimitHeaders: true}},
	} {
		v.opts.RateLimitPerMinute, v.opts.RateLimitBurst = orgRateLimit, orgBurst
		log.Printf("planning the organization at %d requests a minute, %s", orgRateLimit, v.name)
		p, err := orgPacedPlan(ctx, terraform, work, rc, dir, v.opts, v.capped, r.keys, r.planWall)
		if err != nil {
			return nil, err
		}
		p.name = v.name
		r.paced = append(r.paced, p)
	}
	return r, nil
}

// orgPacedPlan plans the organization once, in real time, against a fake
// that admits orgRateLimit requests a minute. Its floor is the request floor
// at that rate plus unlimited, the same plan's time without a limit: what
// Terraform and the provider do besides waiting.
func orgPacedPlan(ctx context.Context, terraform, work, rc, dir string, opts openaitest.Options, capped bool, keys int, unlimited time.Duration) (orgPaced, error) {
	srv := openaitest.NewServer(opts)
	defer srv.Close()
	var r orgResult
	seedOrganization(srv, &r)
	env := planEnv(work, rc, srv.URL(), "")
	if capped {
		env = append(env, "TF_VAR_max_requests_per_minute="+strconv.Itoa(orgRateLimit))
	}
	wall, err := planOnce(ctx, terraform, dir, env, keys)
	if err != nil {
		return orgPaced{}, err
	}
	p := orgPaced{wall: wall, requests: len(srv.Requests())}
	for _, req := range srv.Requests() {
		if req.Status == 429 {
			p.tooMany++
		}
	}
	// The bucket starts full; after it, one request every 60 s / limit.
	p.floor = time.Duration(r.floorRequests-orgBurst)*time.Minute/orgRateLimit + unlimited
	return p, nil
}

// planEnv is the environment of a terraform plan against the fake at url,
// through the RSS-reading wrapper when rssDir is set.
func planEnv(work, rc, url, rssDir string) []string {
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"OPENAI_ADMIN_KEY="+openaitest.DefaultAdminKey, "OPENAI_ADMIN_BASE_URL="+url,
		envWrapBinary+"="+filepath.Join(work, "real", "terraform-provider-openai"))
	if rssDir != "" {
		env = append(env, envWrapRSS+"="+rssDir)
	}
	return env
}

// planOnce runs terraform plan in dir and checks that it reported n keys.
func planOnce(ctx context.Context, terraform, dir string, env []string, n int) (time.Duration, error) {
	cmd := command(ctx, terraform, "-chdir="+dir, "plan", "-input=false", "-lock=false", "-no-color", "-refresh=false")
	cmd.Env = env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return 0, fmt.Errorf("terraform plan in %s: %w\n%s", dir, err, out.String())
	}
	wall := time.Since(start)
	// Terraform aligns the = of several outputs.
	if !regexp.MustCompile(fmt.Sprintf(`(?m)^\s*\+?\s*keys\s+= %d$`, n)).MatchString(out.String()) {
		return 0, fmt.Errorf("terraform plan in %s did not report %d keys:\n%s", dir, n, out.String())
	}
	return wall, nil
}

// median is the middle of walls (the upper one of an even number).
func median(walls []time.Duration) time.Duration {
	sorted := slices.Clone(walls)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// peakRSS is the largest ru_maxrss the wrapper recorded in dir, in MiB.
func peakRSS(dir string) (float64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	var peak float64
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return 0, err
		}
		kib, _ := strconv.ParseFloat(string(b), 64)
		peak = math.Max(peak, kib/1024)
	}
	return peak, nil
}

const orgHeading = "## The organization-wide inventory: `openai_api_keys`"

// section is the organization's section of BENCHMARKS.md.
func (r *orgResult) section() string {
	var t strings.Builder
	fmt.Fprintln(&t, orgHeading)
	fmt.Fprintln(&t)
	fmt.Fprintln(&t, "One `openai_api_keys` data source with `include_archived_projects = true`, planned with the built provider through")
	fmt.Fprintln(&t, "`dev_overrides` against the in-process fake: every tenth project has 250 keys (3 pages), the others 0 to 18.")
	fmt.Fprintln(&t, "Requests are counted by the fake, per plan. The rate-limited plans run once each in real time against a fake")
	fmt.Fprintf(&t, "that admits %d requests a minute as a token bucket of %d and answers others with a hint-less 429 (or, in the\n", orgRateLimit, orgBurst)
	fmt.Fprintln(&t, "headers row, sends `x-ratelimit-*` headers on every response). Their floor is the request floor at that rate (the")
	fmt.Fprintln(&t, "bucket's first requests free, then one every 100 ms) plus the unlimited plan's median time above, which is what")
	fmt.Fprintln(&t, "Terraform and the provider spend besides waiting; that time includes the unlimited plan's own sweep, so the floor")
	fmt.Fprintln(&t, "is high by up to a second, and a plan can come in just under it.")
	fmt.Fprintln(&t)
	fmt.Fprintf(&t, "| `openai_api_keys`: %d admin keys, %d projects, %d keys | measured |\n", r.admin, r.projects, r.keys)
	fmt.Fprintln(&t, "| --- | ---: |")
	fmt.Fprintf(&t, "| API requests per plan | %.0f |\n", r.requests)
	fmt.Fprintf(&t, "| floor ⌈A/100⌉ + ⌈P/100⌉ + Σ max(1, ⌈kₚ/100⌉) | %d |\n", r.floorRequests)
	fmt.Fprintf(&t, "| `terraform plan` wall (median; fastest) | %s; %s |\n", seconds(r.planWall), seconds(slices.Min(r.planWalls)))
	fmt.Fprintf(&t, "| provider peak RSS | %.0f MiB |\n", r.rssMiB)
	fmt.Fprintln(&t)
	fmt.Fprintf(&t, "| the same plan, fake limit %d requests/minute (token bucket of %d), real time | plan | floor | over the floor | requests | 429s |\n", orgRateLimit, orgBurst)
	fmt.Fprintln(&t, "| --- | ---: | ---: | ---: | ---: | ---: |")
	for _, p := range r.paced {
		fmt.Fprintf(&t, "| %s | %s | %s | %+.0f%% | %d | %d |\n", p.name, seconds(p.wall), seconds(p.floor),
			100*(p.wall.Seconds()/p.floor.Seconds()-1), p.requests, p.tooMany)
	}

	fmt.Fprintln(&t)
	fmt.Fprintf(&t, "Requests per plan equal the floor: %s.\n", yes(r.requests == float64(r.floorRequests)))
	return t.String()
}
