package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// The compliance gates at organization scale: openai_api_keys over 50 admin
// keys and 100 projects of 100 keys, planned alone, through
// modules/key-hygiene and through one bare call of the function, the last two
// also over the floor build of the provider (-tags keyhygienefloor), whose
// key_hygiene answers with a saved result without work; and
// policy/openai_keys.rego on the module plan's JSON.

const (
	complianceAdminKeys  = 50
	complianceProjects   = 150 // every third archived, and empty
	complianceKeysPer    = 100
	complianceModuleCost = 1.25 // the most the module may cost, over the inventory alone
	complianceFloorCost  = 1.10 // the most the module may cost, over its floor and over a bare call
	compliancePolicyCost = 3.0  // the most OPA may cost, over a trivial query
)

// floorResultEnv names the file the floor build answers key_hygiene with
// (internal/provider/key_hygiene_floor.go).
const floorResultEnv = "OPENAI_KEY_HYGIENE_FLOOR_RESULT"

func complianceKeysPerProject(i int) int {
	if i%3 == 2 {
		return 0
	}
	return complianceKeysPer
}

type complianceResult struct {
	keys              int
	inventory, module []time.Duration
	moduleFloor       []time.Duration // the module over the floor build
	call, callFloor   []time.Duration // one bare call, over the provider and over the floor build
	callFindings      int
	moduleFindings    int
	trivial           []time.Duration
	policy            map[string][]time.Duration // by query name
	policyFindings    int
	terraformVersion  string
	opaVersion        string
}

// The policy queries measured, each against the trivial one.
var complianceQueries = []struct{ name, query string }{
	{"`deny`: the gate's decision", "count(data.openai.keys.deny)"},
	{"`findings`: every finding", "count(data.openai.keys.findings)"},
	{"`deny` and `warn`: every message, as Conftest reads them", "[count(data.openai.keys.deny), count(data.openai.keys.warn)]"},
}

const complianceInventory = requiredProviders + `provider "openai" {}
data "openai_api_keys" "all" {}
output "keys" { value = length(data.openai_api_keys.all.ids) }
`

const complianceModule = complianceInventory + `
module "key_hygiene" {
  source = %q
  keys   = data.openai_api_keys.all.keys
}
output "findings" { value = length(module.key_hygiene.findings) }
`

// complianceCall is the module's call of the function, bare: the module's
// defaults are the function's.
const complianceCall = complianceInventory + `
output "findings" {
  value = length(provider::openai::key_hygiene(data.openai_api_keys.all.keys, { now = plantimestamp() }).findings)
}
`

// complianceBench plans both configurations runs times each, alternating,
// then evaluates the policy runs times per query, alternating with the
// trivial query.
func complianceBench(ctx context.Context, terraform, opa, work, rc string, runs int) (*complianceResult, error) {
	r := &complianceResult{policy: map[string][]time.Duration{}}
	srv := openaitest.NewServer(openaitest.Options{})
	defer srv.Close()
	r.keys = len(srv.SeedAdminKeys(complianceAdminKeys))
	_, keys := srv.SeedProjects(complianceProjects, complianceKeysPerProject)
	for _, k := range keys {
		r.keys += len(k)
	}
	module, err := filepath.Abs(filepath.Join("modules", "key-hygiene"))
	if err != nil {
		return nil, err
	}
	inventoryDir, moduleDir, callDir := filepath.Join(work, "compliance-inventory"), filepath.Join(work, "compliance-module"), filepath.Join(work, "compliance-call")
	for dir, config := range map[string]string{inventoryDir: complianceInventory, moduleDir: fmt.Sprintf(complianceModule, module), callDir: complianceCall} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o644); err != nil {
			return nil, err
		}
	}
	env := planEnv(work, rc, srv.URL(), "")
	if out, err := runIn(ctx, moduleDir, env, terraform, "get"); err != nil {
		return nil, fmt.Errorf("terraform get: %w\n%s", err, out)
	}
	floor := filepath.Join(work, "floor", "terraform-provider-openai")
	if err := goBuild(ctx, floor, ".", "-tags", "keyhygienefloor"); err != nil {
		return nil, err
	}
	// Each configuration's floor answers with the result its first plan saves.
	floorEnv := func(name string) []string {
		return append(slices.Clone(env), envWrapBinary+"="+floor, floorResultEnv+"="+filepath.Join(work, name+".msgpack"))
	}
	moduleFloorEnv, callFloorEnv := floorEnv("module"), floorEnv("call")
	for dir, env := range map[string][]string{moduleDir: moduleFloorEnv, callDir: callFloorEnv} {
		if _, err := planOnce(ctx, terraform, dir, env, r.keys); err != nil {
			return nil, err
		}
	}
	plans := []struct {
		dir  string
		env  []string
		runs *[]time.Duration
	}{
		{inventoryDir, env, &r.inventory},
		{moduleDir, env, &r.module},
		{moduleDir, moduleFloorEnv, &r.moduleFloor},
		{callDir, env, &r.call},
		{callDir, callFloorEnv, &r.callFloor},
	}
	log.Printf("planning %d keys alone, through modules/key-hygiene and through a bare call, over the provider and its floor, %d runs each", r.keys, runs)
	for range runs {
		for _, p := range plans {
			wall, err := planOnce(ctx, terraform, p.dir, p.env, r.keys)
			if err != nil {
				return nil, err
			}
			*p.runs = append(*p.runs, wall)
		}
	}

	// The module plan's JSON, for the policy: it holds the inventory and the
	// module's findings output.
	plan, err := planJSON(ctx, terraform, moduleDir, env)
	if err != nil {
		return nil, err
	}
	planFile := filepath.Join(work, "compliance-plan.json")
	if err := os.WriteFile(planFile, plan, 0o644); err != nil {
		return nil, err
	}
	if r.moduleFindings, err = outputNumber(plan, "findings"); err != nil {
		return nil, err
	}
	callPlan, err := planJSON(ctx, terraform, callDir, env)
	if err != nil {
		return nil, err
	}
	if r.callFindings, err = outputNumber(callPlan, "findings"); err != nil {
		return nil, err
	}
	version, err := runIn(ctx, work, nil, opa, "version")
	if err != nil {
		return nil, err
	}
	r.opaVersion = strings.TrimPrefix(strings.SplitN(string(version), "\n", 2)[0], "Version: ")
	out, err := runIn(ctx, work, nil, terraform, "version")
	if err != nil {
		return nil, err
	}
	r.terraformVersion = strings.SplitN(string(out), "\n", 2)[0]

	policy, err := filepath.Abs(filepath.Join("policy", "openai_keys.rego"))
	if err != nil {
		return nil, err
	}
	eval := func(query string) (time.Duration, string, error) {
		start := time.Now()
		out, err := runIn(ctx, work, nil, opa, "eval", "-f", "raw", "-d", policy, "-i", planFile, query)
		return time.Since(start), strings.TrimSpace(string(out)), err
	}
	log.Printf("evaluating policy/openai_keys.rego on the module plan's JSON (%d bytes), %d runs a query", len(plan), runs)
	for range runs {
		d, _, err := eval("input.timestamp")
		if err != nil {
			return nil, err
		}
		r.trivial = append(r.trivial, d)
		for _, q := range complianceQueries {
			d, out, err := eval(q.query)
			if err != nil {
				return nil, fmt.Errorf("opa eval %s: %w\n%s", q.query, err, out)
			}
			r.policy[q.name] = append(r.policy[q.name], d)
			if strings.HasPrefix(q.query, "count(data.openai.keys.findings)") {
				if r.policyFindings, err = strconv.Atoi(out); err != nil {
					return nil, fmt.Errorf("count of findings %q: %w", out, err)
				}
			}
		}
	}
	return r, nil
}

// outputNumber reads a number output of a plan's JSON.
func outputNumber(plan []byte, name string) (int, error) {
	var p struct {
		PlannedValues struct {
			Outputs map[string]struct {
				Value json.Number `json:"value"`
			} `json:"outputs"`
		} `json:"planned_values"`
	}
	if err := json.Unmarshal(plan, &p); err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(p.PlannedValues.Outputs[name].Value.String())
	if err != nil {
		return 0, fmt.Errorf("output %s of the plan: %w", name, err)
	}
	return n, nil
}

// planJSON plans dir and returns the plan as terraform show -json prints it.
func planJSON(ctx context.Context, terraform, dir string, env []string) ([]byte, error) {
	if out, err := runIn(ctx, dir, env, terraform, "plan", "-input=false", "-lock=false", "-refresh=false", "-out=plan.tfplan"); err != nil {
		return nil, fmt.Errorf("terraform plan in %s: %w\n%s", dir, err, out)
	}
	plan, err := runIn(ctx, dir, env, terraform, "show", "-json", "plan.tfplan")
	if err != nil {
		return nil, fmt.Errorf("terraform show in %s: %w", dir, err)
	}
	return plan, nil
}

// runIn runs a command in dir with the environment plus env, and returns its
// standard output.
func runIn(ctx context.Context, dir string, env []string, name string, args ...string) ([]byte, error) {
	cmd := command(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = os.Stderr
	return cmd.Output()
}

const complianceHeading = "## The compliance gates at 10,000 keys"

func (r *complianceResult) section() string {
	ratio := func(a, b []time.Duration) float64 { return median(a).Seconds() / median(b).Seconds() }
	var b strings.Builder
	fmt.Fprintln(&b, complianceHeading)
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "`openai_api_keys` over %d admin keys and 100 projects of %d keys (%d keys), against the in-process fake, planned\n", complianceAdminKeys, complianceKeysPer, r.keys)
	fmt.Fprintln(&b, "alone, through `modules/key-hygiene` with its defaults, and through one bare call of the function with the same")
	fmt.Fprintln(&b, "settings; the last two also over the floor build of the provider (`-tags keyhygienefloor`), whose `key_hygiene`")
	fmt.Fprintln(&b, "answers with a result saved by an earlier plan, without reading the arguments: what Terraform itself spends on the")
	fmt.Fprintln(&b, "call and on the HCL around it. The runs alternate, medians reported; then")
	fmt.Fprintf(&b, "`policy/openai_keys.rego` evaluated with `opa eval` (%s) on the JSON of the module plan, each query's runs\n", r.opaVersion)
	fmt.Fprintln(&b, "alternating with a trivial query on the same input (`input.timestamp`), which is what reading the plan costs.")
	fmt.Fprintf(&b, "%s. The module makes one call of `provider::openai::key_hygiene`; the policy is Rego.\n", r.terraformVersion)
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "| measured | time (median) | ratio | target | met |")
	fmt.Fprintln(&b, "| --- | ---: | ---: | ---: | --- |")
	fmt.Fprintf(&b, "| `terraform plan` of the inventory alone | %s | | | |\n", seconds(median(r.inventory)))
	moduleRatio := ratio(r.module, r.inventory)
	fmt.Fprintf(&b, "| `terraform plan` through the module | %s | %.2f × the inventory alone | ≤ %.2f | %s |\n",
		seconds(median(r.module)), moduleRatio, complianceModuleCost, yes(moduleRatio <= complianceModuleCost))
	floorRatio, callRatio := ratio(r.module, r.moduleFloor), ratio(r.module, r.call)
	fmt.Fprintf(&b, "| `terraform plan` through the module over the floor build | %s | | | |\n", seconds(median(r.moduleFloor)))
	fmt.Fprintf(&b, "| the module over its floor | | %.2f × | ≤ %.2f | %s |\n", floorRatio, complianceFloorCost, yes(floorRatio <= complianceFloorCost))
	fmt.Fprintf(&b, "| `terraform plan` of one bare call | %s | | | |\n", seconds(median(r.call)))
	fmt.Fprintf(&b, "| `terraform plan` of one bare call over the floor build | %s | %.2f × below the call | | |\n",
		seconds(median(r.callFloor)), ratio(r.call, r.callFloor))
	fmt.Fprintf(&b, "| the module's own HCL: the module over a bare call | | %.2f × | ≤ %.2f | %s |\n", callRatio, complianceFloorCost, yes(callRatio <= complianceFloorCost))
	fmt.Fprintf(&b, "| `opa eval` of a trivial query | %s | | | |\n", seconds(median(r.trivial)))
	for _, q := range complianceQueries {
		qr := ratio(r.policy[q.name], r.trivial)
		fmt.Fprintf(&b, "| `opa eval` of %s | %s | %.2f × the trivial query | ≤ %.0f | %s |\n",
			q.name, seconds(median(r.policy[q.name])), qr, compliancePolicyCost, yes(qr <= compliancePolicyCost))
	}
	fmt.Fprintf(&b, "| findings: the module's, the bare call's and the policy's | %d, %d and %d | | equal | %s |\n",
		r.moduleFindings, r.callFindings, r.policyFindings, yes(r.moduleFindings == r.policyFindings && r.callFindings == r.moduleFindings))
	fmt.Fprintln(&b)
	spread := 1.0
	for _, runs := range [][]time.Duration{r.inventory, r.module, r.moduleFloor, r.call, r.callFloor} {
		spread = max(spread, slices.Max(runs).Seconds()/slices.Min(runs).Seconds())
	}
	fmt.Fprintf(&b, "The runs of one configuration spread up to %.2f × (slowest over fastest) on this machine: a ratio of medians\n", spread)
	fmt.Fprintln(&b, "closer to its target than that is within the noise, and a run of the section again may land on the other side.")
	fmt.Fprintln(&b)
	fmt.Fprintln(&b, "Runs, in seconds:")
	fmt.Fprintln(&b)
	fmt.Fprintf(&b, "- inventory alone: %s; through the module: %s; over the floor: %s\n", secondsList(r.inventory), secondsList(r.module), secondsList(r.moduleFloor))
	fmt.Fprintf(&b, "- one bare call: %s; over the floor: %s\n", secondsList(r.call), secondsList(r.callFloor))
	fmt.Fprintf(&b, "- trivial query: %s\n", secondsList(r.trivial))
	for _, q := range complianceQueries {
		fmt.Fprintf(&b, "- %s: %s\n", q.name, secondsList(r.policy[q.name]))
	}
	return b.String()
}

func secondsList(ds []time.Duration) string {
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = fmt.Sprintf("%.2f", d.Seconds())
	}
	return strings.Join(parts, ", ")
}
