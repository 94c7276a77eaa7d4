package provider

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// accFixture is a fake Admin API and a provider for it that waits on a fake
// clock, so retries cost no real time.
type accFixture struct {
	srv          *openaitest.Server
	clock        *openaitest.FakeClock
	maxListItems int
	// maxRetryWait overrides the client's default wait budget per request.
	maxRetryWait time.Duration
	// httpClient, when set, carries the client's requests.
	httpClient *http.Client
	// afterFunc, when set, arms each read's time limit.
	afterFunc afterFunc
	// observeSweeps hears of reads that join or leave a shared sweep.
	observeSweeps func(key string, e sweepEvent)
}

func newAccFixture(t *testing.T, opts openaitest.Options) *accFixture {
	t.Helper()
	f := &accFixture{clock: openaitest.NewFakeClock(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC))}
	opts.Clock = f.clock
	f.srv = openaitest.NewServer(opts)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *accFixture) factories() map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"openai": newServer(&openaiProvider{
			version: "test",
			clientConfig: client.Config{
				Clock:        f.clock,
				Jitter:       func() float64 { return 0 },
				MaxRetryWait: f.maxRetryWait,
				HTTPClient:   f.httpClient,
			},
			afterFunc:     f.afterFunc,
			maxListItems:  f.maxListItems,
			observeSweeps: f.observeSweeps,
		}),
	}
}

// config is a provider block for the fake followed by body.
func (f *accFixture) config(body string) string {
	return fmt.Sprintf(`
provider "openai" {
  admin_key = %q
  base_url  = %q
}
%s`, openaitest.DefaultAdminKey, f.srv.URL(), body)
}

// sweeps splits the requests to path into sweeps, each starting at the first
// page, and returns each sweep's after= cursors.
func (f *accFixture) sweeps(path string) [][]string {
	var out [][]string
	for _, r := range f.srv.Requests() {
		if r.Path != path {
			continue
		}
		after := r.Query.Get("after")
		if after == "" {
			out = append(out, nil)
		}
		if len(out) > 0 {
			out[len(out)-1] = append(out[len(out)-1], after)
		}
	}
	return out
}

// expectAdminKeySweeps fails unless every sweep of the admin keys made
// exactly the requests want (their after= cursors), and returns the number of
// sweeps.
func (f *accFixture) expectAdminKeySweeps(t *testing.T, want []string) int {
	t.Helper()
	path := "/organization/admin_api_keys"
	sweeps := f.sweeps(path)
	if len(sweeps) == 0 {
		t.Fatalf("no sweep of %s was made", path)
	}
	for i, got := range sweeps {
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("sweep %d of %s sent after=%q, want %q", i, path, got, want)
		}
	}
	return len(sweeps)
}

func nullableStringCheck(v *string) knownvalue.Check {
	if v == nil {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(*v)
}

func nullableInt64Check(v *int64) knownvalue.Check {
	if v == nil {
		return knownvalue.Null()
	}
	return knownvalue.Int64Exact(*v)
}

func nullableRFC3339Check(v *int64) knownvalue.Check {
	if v == nil {
		return knownvalue.Null()
	}
	return knownvalue.StringExact(time.Unix(*v, 0).UTC().Format(time.RFC3339))
}

// adminKeyCheck expects every attribute of one key exactly as seeded.
func adminKeyCheck(k openaitest.AdminKey) knownvalue.Check {
	return knownvalue.ObjectExact(adminKeyAttrChecks(k))
}

func adminKeyAttrChecks(k openaitest.AdminKey) map[string]knownvalue.Check {
	object := k.Owner.Object
	if object == "" { // The fake derives it from the type.
		object = "organization." + k.Owner.Type
	}
	return map[string]knownvalue.Check{
		"id":                   knownvalue.StringExact(k.ID),
		"name":                 nullableStringCheck(k.Name),
		"redacted_value":       knownvalue.StringExact(k.RedactedValue),
		"created_at":           knownvalue.Int64Exact(k.CreatedAt),
		"created_at_rfc3339":   nullableRFC3339Check(&k.CreatedAt),
		"expires_at":           nullableInt64Check(k.ExpiresAt),
		"expires_at_rfc3339":   nullableRFC3339Check(k.ExpiresAt),
		"last_used_at":         nullableInt64Check(k.LastUsedAt),
		"last_used_at_rfc3339": nullableRFC3339Check(k.LastUsedAt),
		"owner": knownvalue.ObjectExact(map[string]knownvalue.Check{
			"id":         knownvalue.StringExact(k.Owner.ID),
			"type":       knownvalue.StringExact(k.Owner.Type),
			"object":     knownvalue.StringExact(object),
			"name":       nullableStringCheck(k.Owner.Name),
			"role":       knownvalue.StringExact(k.Owner.Role),
			"created_at": knownvalue.Int64Exact(k.Owner.CreatedAt),
		}),
	}
}

func adminKeysCheck(keys []openaitest.AdminKey) (knownvalue.Check, knownvalue.Check) {
	objects := make([]knownvalue.Check, len(keys))
	ids := make([]knownvalue.Check, len(keys))
	for i, k := range keys {
		objects[i] = adminKeyCheck(k)
		ids[i] = knownvalue.StringExact(k.ID)
	}
	return knownvalue.ListExact(objects), knownvalue.ListExact(ids)
}

// detail builds a regexp that finds words in order across Terraform's line
// wrapping of diagnostics.
func detail(words ...string) *regexp.Regexp {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(w)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `.*`))
}

const dataSource = `data "openai_admin_api_keys" "all" {}`

func TestAccProviderConfiguration(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	f.srv.SeedAdminKeys(3)
	for _, tc := range []struct {
		name, config string
		want         *regexp.Regexp
	}{
		{
			name: "unknown base_url during plan",
			config: `
resource "terraform_data" "url" { input = "http://127.0.0.1:1/v1" }
provider "openai" {
  admin_key = "sk-admin-x"
  base_url  = terraform_data.url.output
}
` + dataSource,
			want: detail("Unknown OpenAI Provider Configuration", `"base_url" is not known until apply`, "-target"),
		},
		{
			name:   "plain http to a remote host",
			config: `provider "openai" { base_url = "http://api.example.com/v1" }` + "\n" + dataSource,
			want:   detail("Invalid OpenAI Base URL", "plain http", "loopback"),
		},
		{
			name:   "bad request_timeout",
			config: `provider "openai" { request_timeout = "thirty seconds" }` + "\n" + dataSource,
			want:   detail("Invalid Request Timeout", `"thirty seconds" is not a usable timeout`, "Go duration"),
		},
		{
			name:   "negative request_timeout",
			config: `provider "openai" { request_timeout = "-5s" }` + "\n" + dataSource,
			want:   detail("Invalid Request Timeout"),
		},
		{
			name:   "max_retries out of range",
			config: `provider "openai" { max_retries = -1 }` + "\n" + dataSource,
			want:   detail("Invalid Attribute Value", "max_retries"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: f.factories(),
				Steps:                    []resource.TestStep{{Config: tc.config, ExpectError: tc.want}},
			})
		})
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("invalid configurations sent %d requests", n)
	}
}

// The environment tests cannot run in parallel: they set process variables
// that the in-process provider reads.

func TestAccProviderMissingAdminKey(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	t.Setenv(envAdminKey, "")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf("provider \"openai\" { base_url = %q }\n%s", f.srv.URL(), dataSource),
			ExpectError: detail("Missing OpenAI Admin Key", "admin_key", "OPENAI_ADMIN_KEY"),
		}},
	})
}

// The admin key never follows OPENAI_BASE_URL, the SDKs' address for
// inference traffic: a gateway there receives no request, while
// OPENAI_ADMIN_BASE_URL serves the read.
func TestAccProviderIgnoresOpenAIBaseURL(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	f.srv.SeedAdminKeys(3)
	gateway := openaitest.NewServer(openaitest.Options{})
	t.Cleanup(gateway.Close)
	gateway.SeedAdminKeys(5)
	t.Setenv(envAdminKey, openaitest.DefaultAdminKey)
	t.Setenv(envSDKBaseURL, gateway.URL())
	t.Setenv(envBaseURL, f.srv.URL())
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: `provider "openai" {}` + "\n" + dataSource,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.openai_admin_api_keys.all", tfjsonpath.New("ids"), knownvalue.ListSizeExact(3)),
			},
		}},
	})
	if n := len(gateway.Requests()); n != 0 {
		t.Fatalf("the gateway at OPENAI_BASE_URL received %d requests, want none", n)
	}
	if len(f.srv.Requests()) == 0 {
		t.Fatal("OPENAI_ADMIN_BASE_URL received no request")
	}
}

// Set alone, OPENAI_BASE_URL is ignored with a warning that says why; the
// default address, or an admin address configured, say nothing.
func TestConfigureWarnsOfOpenAIBaseURL(t *testing.T) {
	for _, tc := range []struct {
		name, sdk, admin string
		warns            bool
	}{
		{"a gateway", "https://llm-gateway.example.com/v1", "", true},
		{"the default", "https://api.openai.com/v1/", "", false},
		{"an admin address too", "https://llm-gateway.example.com/v1", "https://api.openai.com/v1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(envAdminKey, openaitest.DefaultAdminKey)
			t.Setenv(envSDKBaseURL, tc.sdk)
			t.Setenv(envBaseURL, tc.admin)
			diags := configure(t, &openaiProvider{version: "test"}, nil)
			if diags.HasError() {
				t.Fatalf("errors: %v", diags)
			}
			var found []string
			for _, d := range diags.Warnings() {
				found = append(found, d.Summary()+": "+d.Detail())
			}
			if warned := len(found) == 1 && strings.Contains(found[0], "OPENAI_BASE_URL Ignored") &&
				strings.Contains(found[0], tc.sdk) && strings.Contains(found[0], "OPENAI_ADMIN_BASE_URL"); warned != tc.warns || len(found) > 1 {
				t.Fatalf("warnings %q, want a warning: %v", found, tc.warns)
			}
		})
	}
}

func TestAccProviderEnvironment(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	f.srv.SeedAdminKeys(3)
	t.Setenv(envAdminKey, openaitest.DefaultAdminKey)
	t.Setenv(envBaseURL, f.srv.URL())
	check := []statecheck.StateCheck{
		statecheck.ExpectKnownValue("data.openai_admin_api_keys.all", tfjsonpath.New("ids"), knownvalue.ListSizeExact(3)),
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{
			// Both settings from the environment.
			{Config: `provider "openai" {}` + "\n" + dataSource, ConfigStateChecks: check},
			// Configuration beats the environment.
			{
				Config:      `provider "openai" { admin_key = "sk-admin-from-config" }` + "\n" + dataSource,
				ExpectError: detail("Invalid OpenAI Admin Key"),
			},
		},
	})
	for _, r := range f.srv.Requests() {
		if !strings.HasPrefix(r.UserAgent, "terraform-provider-openai/test Terraform/1.") {
			t.Fatalf("user agent %q, want terraform-provider-openai/test Terraform/<version>", r.UserAgent)
		}
	}
}

// configure runs p's Configure on a configuration whose attributes are
// values (null when absent), and returns its diagnostics.
func configure(t *testing.T, p *openaiProvider, values map[string]tftypes.Value) diag.Diagnostics {
	t.Helper()
	ctx := context.Background()
	var schemaResp provider.SchemaResponse
	p.Schema(ctx, provider.SchemaRequest{}, &schemaResp)
	typ := schemaResp.Schema.Type().TerraformType(ctx).(tftypes.Object)
	attrs := make(map[string]tftypes.Value, len(typ.AttributeTypes))
	for name, at := range typ.AttributeTypes {
		attrs[name] = tftypes.NewValue(at, nil)
		if v, ok := values[name]; ok {
			attrs[name] = v
		}
	}
	req := provider.ConfigureRequest{Config: tfsdk.Config{Schema: schemaResp.Schema, Raw: tftypes.NewValue(typ, attrs)}}
	var resp provider.ConfigureResponse
	p.Configure(ctx, req, &resp)
	return resp.Diagnostics
}
