package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

const functionHeading = "## The function's two paths"

// functionResult is provider::openai::key_hygiene called in process through
// the provider's server (the msgpack path every call takes) and through the
// framework's own server (keyHygieneFunction.Run), on 10,050 keys.
type functionResult struct {
	// ns and bytes per call, by path ("raw", "framework").
	ns, bytes map[string]float64
}

var functionLine = regexp.MustCompile(`^BenchmarkKeyHygieneFunction/(\w+)-\d+\s+\d+\s+([\d.]+) ns/op\s+([\d.]+) B/op`)

// functionBench runs BenchmarkKeyHygieneFunction.
func functionBench(ctx context.Context) (*functionResult, error) {
	cmd := command(ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkKeyHygieneFunction$", "-benchmem", "-benchtime", "5x",
		"-count", "3", "./internal/provider")
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go test -bench: %w\n%s", err, out)
	}
	return parseFunctionBench(string(out))
}

// parseFunctionBench keeps the median of each path's runs.
func parseFunctionBench(out string) (*functionResult, error) {
	ns, bytes := map[string][]float64{}, map[string][]float64{}
	for _, line := range strings.Split(out, "\n") {
		m := functionLine.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		n, _ := strconv.ParseFloat(m[2], 64)
		b, _ := strconv.ParseFloat(m[3], 64)
		ns[m[1]], bytes[m[1]] = append(ns[m[1]], n), append(bytes[m[1]], b)
	}
	r := &functionResult{ns: map[string]float64{}, bytes: map[string]float64{}}
	for _, path := range []string{"raw", "framework"} {
		if len(ns[path]) == 0 {
			return nil, fmt.Errorf("no BenchmarkKeyHygieneFunction/%s line in:\n%s", path, out)
		}
		r.ns[path], r.bytes[path] = medianFloat(ns[path]), medianFloat(bytes[path])
	}
	return r, nil
}

func medianFloat(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

func (r *functionResult) section() string {
	var b strings.Builder
	fmt.Fprintln(&b, functionHeading)
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "`provider::openai::key_hygiene` on 10,050 keys (50 admin keys, 100 projects of 100), called in process as")
	fmt.Fprintln(&b, "Terraform calls it, `CallFunction` with msgpack arguments (`BenchmarkKeyHygieneFunction`, 3 runs of 5 calls, medians):")
	fmt.Fprintln(&b, "through the provider's server, which reads the arguments' msgpack into the engine's plain values and writes the")
	fmt.Fprintln(&b, "result's msgpack itself, and through the framework's own server, which converts the arguments and the result into")
	fmt.Fprintln(&b, "its `attr.Value`s and calls `keyHygieneFunction.Run`. Both run the same core (`keyHygiene`: `hygiene.Check`, then")
	fmt.Fprintln(&b, "the result's msgpack); every call Terraform makes takes the first.")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "| path | time per call | memory per call |")
	fmt.Fprintln(&b, "| --- | ---: | ---: |")
	for _, path := range []string{"raw", "framework"} {
		name := map[string]string{"raw": "provider's server (msgpack, read and written directly)", "framework": "framework's server (`Run`)"}[path]
		fmt.Fprintf(&b, "| %s | %.2f s | %.0f MB |\n", name, r.ns[path]/1e9, r.bytes[path]/1e6)
	}
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "The framework's path takes %.1f times the time and %.1f times the memory: the provider keeps its own\n",
		r.ns["framework"]/r.ns["raw"], r.bytes["framework"]/r.bytes["raw"])
	fmt.Fprintln(&b, "`CallFunction`, and forwards every other call, the optional server interfaces included, to the framework.")
	return b.String()
}
