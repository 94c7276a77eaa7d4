// Command bench measures the provider end to end and writes BENCHMARKS.md:
// API requests per sweep, the client's and the mapping's cost per key,
// `terraform plan` wall time and the provider's peak RSS for 1k, 10k and 100k
// admin keys against the fake Admin API, and a rate-limited sweep against its
// floor, and the limiter matrix (limiters.go). Run it with `make bench`;
// `go run ./tools/bench -limiters-only` runs only the matrix, without
// terraform, and rewrites only its section of the report.
//
// The same binary doubles as a wrapper around the provider (see wrap): the
// Terraform plugin protocol gives no other way to read the peak RSS of a
// provider process that Terraform starts and stops itself.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// Environment of the wrapper mode.
const (
	envWrapBinary = "OPENAI_BENCH_PROVIDER"
	envWrapRSS    = "OPENAI_BENCH_RSS_DIR"
)

func main() {
	if provider := os.Getenv(envWrapBinary); provider != "" {
		os.Exit(wrap(provider, os.Getenv(envWrapRSS)))
	}
	log.SetFlags(0)
	ctx, caught := stopOnSignal()
	err := benchMain(ctx)
	if sig := caught(); sig != nil {
		os.Exit(exitStatus(sig))
	}
	if err != nil {
		log.Fatal(err)
	}
}

// benchMain parses the flags and runs what they ask for. Every function it
// calls returns its errors, so that the deferred cleanup runs before exit.
func benchMain(ctx context.Context) error {
	sizes := flag.String("keys", "1000,10000,100000", "organization sizes to measure, comma-separated")
	out := flag.String("out", "BENCHMARKS.md", "the report to write")
	runs := flag.Int("runs", 3, "terraform plan runs per size (the median is reported)")
	pacingOnly := flag.Bool("pacing-only", false, "measure only the rate-limited sweep")
	limitersOnly := flag.Bool("limiters-only", false, "run only the limiter matrix and rewrite only its section of the report")
	orgOnly := flag.Bool("organization-only", false, "run only the openai_api_keys organization benchmark and rewrite only its section of the report")
	tfLimitersOnly := flag.Bool("terraform-limiters-only", false, "run only the learned pacing through terraform and rewrite only its section of the report")
	complianceOnly := flag.Bool("compliance-only", false, "run only the compliance gates at 10,000 keys and rewrite only their section of the report")
	functionOnly := flag.Bool("function-only", false, "run only the function's two paths and rewrite only their section of the report")
	realRates := flag.String("limiters-real", "240,1200", "rates (requests a minute) of the limiter matrix to run in real time too, comma-separated")
	flag.Parse()

	var realTime []int
	for _, s := range strings.Split(*realRates, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return fmt.Errorf("bad -limiters-real value %q", s)
		}
		realTime = append(realTime, n)
	}
	if *limitersOnly {
		log.Printf("running the limiter matrix")
		cells, err := runLimiterMatrix(ctx, realTime, log.Printf)
		if err != nil {
			return err
		}
		section := limiterMarkdown(cells)
		fmt.Print(section)
		return rewriteSection(*out, limiterHeading, section)
	}

	if *functionOnly {
		log.Printf("calling the key_hygiene function through both servers")
		fn, err := functionBench(ctx)
		if err != nil {
			return err
		}
		fmt.Print(fn.section())
		return rewriteSection(*out, functionHeading, fn.section())
	}

	terraform := os.Getenv("TERRAFORM")
	if terraform == "" {
		return errors.New("set TERRAFORM to a terraform binary (make bench does)")
	}
	if *orgOnly {
		return onlySection(ctx, *out, orgHeading, func(work, rc string) (string, error) {
			org, err := organizationBench(ctx, terraform, work, rc, *runs)
			if err != nil {
				return "", err
			}
			return org.section(), nil
		})
	}
	opa := os.Getenv("OPA")
	if opa == "" {
		return errors.New("set OPA to an opa binary (make bench does)")
	}
	if *complianceOnly {
		return onlySection(ctx, *out, complianceHeading, func(work, rc string) (string, error) {
			c, err := complianceBench(ctx, terraform, opa, work, rc, *runs)
			if err != nil {
				return "", err
			}
			return c.section(), nil
		})
	}
	if *tfLimitersOnly {
		return onlySection(ctx, *out, terraformLimiterHeading, func(work, rc string) (string, error) {
			sec, err := terraformLimiterBench(ctx, terraform, work, rc, *runs)
			if err != nil {
				return "", err
			}
			return sec.markdown(), nil
		})
	}
	var ns []int
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 {
			return fmt.Errorf("bad -keys value %q", s)
		}
		ns = append(ns, n)
	}
	if *pacingOnly {
		ns = nil
	}
	r, err := run(ctx, terraform, opa, ns, *runs)
	if err != nil {
		return err
	}
	log.Printf("running the limiter matrix")
	if r.limiters, err = runLimiterMatrix(ctx, realTime, log.Printf); err != nil {
		return err
	}
	report := r.markdown()
	fmt.Print(report.table)
	if err := os.WriteFile(*out, []byte(report.full), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s\n", *out)
	return nil
}

// rewriteSection replaces the section under heading of the report at path,
// or appends it, saying where and when it was measured: a section run on its
// own may come from another machine than the rest of the report.
func rewriteSection(path, heading, section string) error {
	section = strings.TrimRight(section, "\n") + "\n\n" + sectionMachine() + "\n"
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.WriteFile(path, []byte(spliceSection(string(old), heading, section)), 0o644); err != nil {
		return err
	}
	fmt.Printf("\nwrote %s\n", path)
	return nil
}

// wrap runs the real provider with this process's arguments and standard
// streams, then records the child's peak RSS in a file of its own.
func wrap(binary, rssDir string) int {
	cmd := exec.Command(binary, os.Args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	if cmd.ProcessState != nil && rssDir != "" {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			name := filepath.Join(rssDir, strconv.Itoa(os.Getpid()))
			_ = os.WriteFile(name, []byte(strconv.FormatInt(ru.Maxrss, 10)), 0o644) // KiB on Linux.
		}
	}
	if err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		return 1
	}
	return 0
}

type sizeResult struct {
	keys          int
	requests      float64 // per plan
	ideal         int
	sweepNsPerKey float64
	sweepBPerKey  float64
	mapNsPerKey   float64
	mapBPerKey    float64
	readNs        float64       // the provider's ReadDataSource handler, sweep memoized
	planWall      time.Duration // median
	planWalls     []time.Duration
	rssMiB        float64 // largest over the runs
}

type paceResult struct {
	burst    int
	capped   bool
	wall     time.Duration
	requests int
}

type results struct {
	terraformVersion string
	sizes            []sizeResult
	pacing           []paceResult
	floor            time.Duration
	limiters         []limiterCell
	org              *orgResult
	tfLimiters       *terraformLimiterSection
	compliance       *complianceResult
	function         *functionResult
}

// setup builds the provider and its RSS-reading wrapper into work and writes
// a CLI configuration that points Terraform at them; it returns its path.
func setup(ctx context.Context, work string) (string, error) {
	log.Printf("building the provider")
	bin := filepath.Join(work, "bin")
	if err := goBuild(ctx, filepath.Join(work, "real", "terraform-provider-openai"), "."); err != nil {
		return "", err
	}
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return "", err
	}
	if err := copyFile(self, filepath.Join(bin, "terraform-provider-openai")); err != nil {
		return "", err
	}
	rc := filepath.Join(work, "terraformrc")
	return rc, os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/keycensus/openai" = %q
  }
  direct {}
}
`, bin)), 0o644)
}

// requiredProviders opens every configuration the bench plans: the provider
// by the address dev_overrides serves.
const requiredProviders = `
terraform {
  required_providers {
    openai = { source = "keycensus/openai" }
  }
}
`

// onlySection measures one section of the report on its own, with the
// provider built into a work directory of its own (rc is setup's CLI
// configuration), prints it, and rewrites only that section of out.
func onlySection(ctx context.Context, out, heading string, measure func(work, rc string) (string, error)) error {
	work, cleanup, err := workDir()
	if err != nil {
		return err
	}
	defer cleanup()
	rc, err := setup(ctx, work)
	if err != nil {
		return err
	}
	section, err := measure(work, rc)
	if err != nil {
		return err
	}
	fmt.Print(section)
	return rewriteSection(out, heading, section)
}

func run(ctx context.Context, terraform, opa string, sizes []int, runs int) (*results, error) {
	work, cleanup, err := workDir()
	if err != nil {
		return nil, err
	}
	defer cleanup()

	r := &results{}
	out, err := command(ctx, terraform, "version").Output()
	if err != nil {
		return nil, fmt.Errorf("terraform version: %w", err)
	}
	r.terraformVersion = strings.SplitN(string(out), "\n", 2)[0]
	rc, err := setup(ctx, work)
	if err != nil {
		return nil, err
	}

	micro := map[int][5]float64{}
	if len(sizes) > 0 {
		log.Printf("running the client and mapping benchmarks (go test -bench)")
		if micro, err = microBenchmarks(ctx); err != nil {
			return nil, err
		}
	}

	for _, n := range sizes {
		log.Printf("planning %d keys", n)
		s, err := planSize(ctx, terraform, work, rc, n, runs)
		if err != nil {
			return nil, err
		}
		if m, ok := micro[n]; ok {
			s.sweepNsPerKey, s.sweepBPerKey, s.mapNsPerKey, s.mapBPerKey, s.readNs = m[0], m[1], m[2], m[3], m[4]
		}
		r.sizes = append(r.sizes, s)
	}

	if r.org, err = organizationBench(ctx, terraform, work, rc, runs); err != nil {
		return nil, err
	}
	if r.compliance, err = complianceBench(ctx, terraform, opa, work, rc, runs); err != nil {
		return nil, err
	}
	log.Printf("calling the key_hygiene function through both servers")
	if r.function, err = functionBench(ctx); err != nil {
		return nil, err
	}
	log.Printf("planning the limiter matrix's organization through terraform against short windows")
	if r.tfLimiters, err = terraformLimiterBench(ctx, terraform, work, rc, runs); err != nil {
		return nil, err
	}

	log.Printf("sweeping 10,000 keys under a limit of 600 requests a minute")
	r.floor = 10 * time.Second
	// A bucket of one is the strictest limiter; two leaves room for one
	// request that arrives a little early.
	for _, burst := range []int{2, 1} {
		for _, capped := range []bool{true, false} {
			p, err := pacedSweep(ctx, burst, capped)
			if err != nil {
				return nil, err
			}
			r.pacing = append(r.pacing, p)
		}
	}
	return r, nil
}

func goBuild(ctx context.Context, out, pkg string, flags ...string) error {
	cmd := command(ctx, "go", append(append([]string{"build"}, flags...), "-o", out, pkg)...)
	cmd.Stderr = os.Stderr
	return cmd.Run()
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}

var benchLine = regexp.MustCompile(`^Benchmark(\w+)/keys=(\d+)-\d+\s+\d+\s+(.*)$`)

// microBenchmarks runs the client sweep, mapping and read handler
// benchmarks and returns, per size: sweep ns/key, sweep B/key, mapping
// ns/key, mapping B/key, read handler ns.
func microBenchmarks(ctx context.Context) (map[int][5]float64, error) {
	cmd := command(ctx, "go", "test", "-run", "^$", "-bench", "^(BenchmarkListAdminAPIKeys|BenchmarkAdminKeysState|BenchmarkReadAdminAPIKeys)$",
		"-benchmem", "-benchtime", "3x", "./internal/client", "./internal/provider")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go test -bench: %w\n%s", err, out)
	}
	return parseBenchmarks(string(out)), nil
}

// parseBenchmarks reads the go test -bench lines of the three benchmarks.
func parseBenchmarks(out string) map[int][5]float64 {
	res := map[int][5]float64{}
	for _, line := range strings.Split(out, "\n") {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		metrics := map[string]float64{}
		fields := strings.Fields(m[3])
		for i := 0; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err == nil {
				metrics[fields[i+1]] = v
			}
		}
		v := res[n]
		switch m[1] {
		case "ListAdminAPIKeys":
			v[0], v[1] = metrics["ns/key"], metrics["B/key"]
		case "AdminKeysState":
			v[2], v[3] = metrics["ns/key"], metrics["B/op"]/float64(n)
		case "ReadAdminAPIKeys":
			v[4] = metrics["ns/op"]
		}
		res[n] = v
	}
	return res
}

func planSize(ctx context.Context, terraform, work, rc string, n, runs int) (sizeResult, error) {
	s := sizeResult{keys: n, ideal: (n + client.PageSize - 1) / client.PageSize}
	srv := openaitest.NewServer(openaitest.Options{})
	defer srv.Close()
	srv.SeedAdminKeys(n)

	dir := filepath.Join(work, fmt.Sprintf("plan-%d", n))
	rssDir := filepath.Join(dir, "rss")
	if err := os.MkdirAll(rssDir, 0o755); err != nil {
		return s, err
	}
	config := requiredProviders + `provider "openai" {}
data "openai_admin_api_keys" "all" {}
output "keys" { value = length(data.openai_admin_api_keys.all.ids) }
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
		return s, err
	}
	env := planEnv(work, rc, srv.URL(), rssDir)
	for range runs {
		wall, err := planOnce(ctx, terraform, dir, env, n)
		if err != nil {
			return s, err
		}
		s.planWalls = append(s.planWalls, wall)
	}
	s.planWall = median(s.planWalls)
	s.requests = float64(srv.CountRequests("/organization/admin_api_keys")) / float64(runs)
	var err error
	s.rssMiB, err = peakRSS(rssDir)
	return s, err
}

// pacedSweep lists 10,000 keys, in real time, from a fake that admits 600
// requests a minute as a token bucket of burst.
func pacedSweep(ctx context.Context, burst int, capped bool) (paceResult, error) {
	srv := openaitest.NewServer(openaitest.Options{RateLimitPerMinute: 600, RateLimitBurst: burst})
	defer srv.Close()
	srv.SeedAdminKeys(10_000)
	cfg := client.Config{AdminKey: openaitest.DefaultAdminKey, BaseURL: srv.URL()}
	if capped {
		cfg.MaxRequestsPerMinute = 600
	}
	c, err := client.New(cfg)
	if err != nil {
		return paceResult{}, err
	}
	start := time.Now()
	keys, err := c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{})
	if err != nil {
		return paceResult{}, err
	}
	if len(keys) != 10_000 {
		return paceResult{}, fmt.Errorf("the paced sweep listed %d keys, want 10000", len(keys))
	}
	return paceResult{burst: burst, capped: capped, wall: time.Since(start), requests: len(srv.Requests())}, nil
}

type markdown struct{ table, full string }

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }

func (r *results) markdown() markdown {
	var t strings.Builder
	fmt.Fprintln(&t, "| admin keys | API requests per plan | ideal ⌈N/100⌉ | client sweep ns/key | client sweep B/key | mapping ns/key | mapping B/key | provider read handler | `terraform plan` wall (median; fastest) | provider peak RSS |")
	fmt.Fprintln(&t, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, s := range r.sizes {
		fmt.Fprintf(&t, "| %d | %.0f | %d | %.0f | %.0f | %.0f | %.0f | %s | %s; %s | %.0f MiB |\n",
			s.keys, s.requests, s.ideal, s.sweepNsPerKey, s.sweepBPerKey, s.mapNsPerKey, s.mapBPerKey,
			seconds(time.Duration(s.readNs)), seconds(s.planWall), seconds(slices.Min(s.planWalls)), s.rssMiB)
	}
	fmt.Fprintln(&t)
	fmt.Fprintln(&t, "| 10,000 keys, fake limit 600 requests/minute | token bucket | sweep | floor (100 pages at 10/s) | over the floor | requests |")
	fmt.Fprintln(&t, "| --- | ---: | ---: | ---: | ---: | ---: |")
	for _, p := range r.pacing {
		name := "without `max_requests_per_minute` (learned from 429s)"
		if p.capped {
			name = "with `max_requests_per_minute = 600`"
		}
		fmt.Fprintf(&t, "| %s | %d | %s | %s | %+.0f%% | %d |\n", name, p.burst, seconds(p.wall), seconds(r.floor),
			100*(p.wall.Seconds()/r.floor.Seconds()-1), p.requests)
	}

	var f strings.Builder
	fmt.Fprintln(&f, "# Benchmarks")
	fmt.Fprintln(&f)
	fmt.Fprintln(&f, "Generated by `make bench` (`tools/bench`); do not edit by hand. Re-run it on the machine you want numbers for.")
	fmt.Fprintln(&f)
	fmt.Fprintln(&f, "## Machine")
	fmt.Fprintln(&f)
	fmt.Fprintf(&f, "- %s\n", machine())
	fmt.Fprintf(&f, "- %s\n", r.terraformVersion)
	fmt.Fprintf(&f, "- measured %s\n", time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintln(&f)
	fmt.Fprintln(&f, "## Method")
	fmt.Fprintln(&f)
	fmt.Fprintln(&f, "- **API requests** are counted by the fake Admin API over all plan runs, divided by the runs.")
	fmt.Fprintln(&f, "- **Client sweep** is `BenchmarkListAdminAPIKeys`: a whole `ListAdminAPIKeys` over loopback HTTP against the")
	fmt.Fprintln(&f, "  in-process fake (request, JSON decode, paging), per key; bytes include the fake's side of each request.")
	fmt.Fprintln(&f, "- **Mapping** is `BenchmarkAdminKeysState`: decoded keys into the `keys` and `ids` state values (`tftypes` values built")
	fmt.Fprintln(&f, "  in one pass, no reflection), per key.")
	fmt.Fprintln(&f, "- **Provider read handler** is `BenchmarkReadAdminAPIKeys`: the provider's gRPC `ReadDataSource`, called in process")
	fmt.Fprintln(&f, "  with the sweep already memoized: the mapping plus the plugin framework's work after `Read` (semantic-equality")
	fmt.Fprintln(&f, "  walk, null re-ification, state copy and compare) and the msgpack encoding of the response.")
	fmt.Fprintln(&f, "- **`terraform plan`** runs the built provider through `dev_overrides` against the fake seeded with N keys; the")
	fmt.Fprintln(&f, "  configuration is one `openai_admin_api_keys` data source and an output of its length. Wall time is the median")
	fmt.Fprintln(&f, "  of the runs; about 1 s of it is Terraform itself.")
	fmt.Fprintln(&f, "- **Peak RSS** is the provider process's `ru_maxrss`, read by a wrapper that Terraform starts in its place; the")
	fmt.Fprintln(&f, "  largest over the runs.")
	fmt.Fprintln(&f, "- **Rate-limited sweep**: 10,000 keys (100 pages) from a fake that admits 600 requests a minute as a token bucket")
	fmt.Fprintln(&f, "  (one request per 100 ms; a bucket of 2 leaves room for one request that arrives early, a bucket of 1 none) and")
	fmt.Fprintln(&f, "  answers others with a hint-less 429; real time, one client. The targets are judged on the bucket of 2; the bucket")
	fmt.Fprintln(&f, "  of 1 shows the cost of network jitter against the strictest limiter.")
	fmt.Fprintln(&f)
	fmt.Fprintln(&f, "## Results")
	fmt.Fprintln(&f)
	f.WriteString(t.String())
	fmt.Fprintln(&f)
	fmt.Fprintln(&f, "## Targets")
	fmt.Fprintln(&f)
	fmt.Fprintln(&f, "| target | measured | met |")
	fmt.Fprintln(&f, "| --- | --- | --- |")
	for _, s := range r.sizes {
		fmt.Fprintf(&f, "| exactly ⌈N/100⌉ requests at %d keys | %.0f for %d | %s |\n", s.keys, s.requests, s.ideal, yes(s.requests == float64(s.ideal)))
		switch s.keys {
		case 1_000:
			fmt.Fprintf(&f, "| `terraform plan` of 1k keys ≤ 0.5 s | %s | %s |\n", seconds(s.planWall), yes(s.planWall <= 500*time.Millisecond))
		case 10_000:
			fmt.Fprintf(&f, "| `terraform plan` of 10k keys ≤ 2.2 s | %s | %s |\n", seconds(s.planWall), yes(s.planWall <= 2200*time.Millisecond))
			fmt.Fprintf(&f, "| provider peak RSS at 10k keys ≤ 250 MB | %.0f MiB (%.0f MB) | %s |\n", s.rssMiB, s.rssMiB*1.048576, yes(s.rssMiB*1.048576 <= 250))
		}
	}
	for _, p := range r.pacing {
		limit, name := 1.5, "without a cap, within 50% of the floor"
		if p.capped {
			limit, name = 1.1, "with `max_requests_per_minute`, within 10% of the floor"
		}
		met := yes(p.wall.Seconds() <= limit*r.floor.Seconds())
		if p.burst != 2 {
			met = "(not a target)"
		}
		fmt.Fprintf(&f, "| rate-limited sweep %s, token bucket of %d | %s | %s |\n", name, p.burst, seconds(p.wall), met)
	}
	fmt.Fprintln(&f)
	fmt.Fprintln(&f, "## Where a plan's time goes")
	fmt.Fprintln(&f)
	fmt.Fprintln(&f, "| admin keys | plan (median) | API sweep | provider mapping | rest of the provider's read handler (framework, encoding) | Terraform and the plugin protocol (the remainder) |")
	fmt.Fprintln(&f, "| ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, s := range r.sizes {
		n := float64(s.keys)
		sweep := time.Duration(s.sweepNsPerKey * n)
		mapping := time.Duration(s.mapNsPerKey * n)
		framework := time.Duration(s.readNs) - mapping
		rest := s.planWall - sweep - time.Duration(s.readNs)
		fmt.Fprintf(&f, "| %d | %s | %s | %s | %s | %s |\n", s.keys, seconds(s.planWall), seconds(sweep), seconds(mapping), seconds(framework), seconds(rest))
	}
	fmt.Fprintln(&f)
	fmt.Fprintln(&f, "The columns are separate measurements (the sweep and handler from the benchmarks above), so they add up only")
	fmt.Fprintln(&f, "roughly. What the provider itself does, the sweep and the mapping, is the smaller part of a large plan; the plugin")
	fmt.Fprintln(&f, "framework's processing of the returned state and Terraform's own work are the rest, and they grow with every")
	fmt.Fprintln(&f, "value, nulls included.")
	if r.org != nil {
		fmt.Fprintln(&f)
		f.WriteString(r.org.section())
	}
	if r.compliance != nil {
		fmt.Fprintln(&f)
		f.WriteString(r.compliance.section())
	}
	if r.function != nil {
		fmt.Fprintln(&f)
		f.WriteString(r.function.section())
	}
	if len(r.limiters) > 0 {
		fmt.Fprintln(&f)
		f.WriteString(limiterMarkdown(r.limiters))
	}
	if r.tfLimiters != nil {
		fmt.Fprintln(&f)
		f.WriteString(r.tfLimiters.markdown())
	}
	return markdown{table: t.String(), full: f.String()}
}

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "**no**"
}

// sectionMachine is the line that dates a section measured on its own.
func sectionMachine() string {
	return fmt.Sprintf("This section alone was measured %s on %s.", time.Now().UTC().Format("2006-01-02"), machine())
}

// machine names this machine as the report does: CPUs, Go, platform.
func machine() string {
	return fmt.Sprintf("%d CPUs (%s), %s, %s/%s", runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if name, ok := strings.CutPrefix(line, "model name"); ok {
			return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
		}
	}
	return "unknown CPU"
}
