package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// readInProcess configures p against url and reads one data source through
// the provider's gRPC server, as Terraform would, returning the response.
// Attributes args leaves out are null.
func readInProcess(t *testing.T, p *openaiProvider, url, typeName string, args map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
	t.Helper()
	return configuredInProcess(t, p, url)(typeName, args)
}

// configuredInProcess configures p against url, as Terraform does once per
// command, and returns a function that reads a data source through it.
func configuredInProcess(t *testing.T, p *openaiProvider, url string) func(typeName string, args map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
	t.Helper()
	ctx := context.Background()
	server, err := providerserver.NewProtocol6WithError(p)()
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	withNulls := func(typ tftypes.Type, given map[string]tftypes.Value) tftypes.Value {
		values := map[string]tftypes.Value{}
		for name, attrType := range typ.(tftypes.Object).AttributeTypes {
			if v, ok := given[name]; ok {
				values[name] = v
			} else {
				values[name] = tftypes.NewValue(attrType, nil)
			}
		}
		return tftypes.NewValue(typ, values)
	}
	providerType := schemas.Provider.ValueType()
	config, err := tfprotov6.NewDynamicValue(providerType, withNulls(providerType, map[string]tftypes.Value{
		"admin_key": stringValue(openaitest.DefaultAdminKey),
		"base_url":  stringValue(url),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &config}); err != nil || len(resp.Diagnostics) > 0 {
		t.Fatal(err, resp.Diagnostics)
	}
	return func(typeName string, args map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
		t.Helper()
		dsType := schemas.DataSourceSchemas[typeName].ValueType()
		dsConfig, err := tfprotov6.NewDynamicValue(dsType, withNulls(dsType, args))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: typeName, Config: &dsConfig})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
}

// A read that waits more than a minute on rate limits says so, with the
// max_requests_per_minute that would have avoided its 429s; a quick one
// says nothing.
func TestSlowReadWarnsOfTheRateLimit(t *testing.T) {
	for _, limited := range []bool{true, false} {
		clock := openaitest.NewFakeClock(time.Unix(1_800_000_000, 0))
		opts := openaitest.Options{Clock: clock}
		if limited {
			opts.RateLimitPerMinute = 10
		}
		srv := openaitest.NewServer(opts)
		srv.SeedAdminKeys(120)
		srv.SeedProjects(20, func(i int) int { return i * 7 })
		// On the fake clock the sleeps of the four concurrent project sweeps
		// add up, so a request can see more than the five minutes of waiting
		// it would in real time; the budget is not what this test is about.
		p := &openaiProvider{version: "test", clientConfig: client.Config{Clock: clock, Jitter: func() float64 { return 0 }, MaxRetryWait: 24 * time.Hour}}
		resp := readInProcess(t, p, srv.URL(), "openai_api_keys", nil)
		srv.Close()

		var warnings []*tfprotov6.Diagnostic
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("limited=%v: %s: %s", limited, d.Summary, d.Detail)
			}
			warnings = append(warnings, d)
		}
		if !limited {
			if len(warnings) != 0 {
				t.Fatalf("an unlimited read warned: %s", warnings[0].Detail)
			}
			continue
		}
		if len(warnings) != 1 || warnings[0].Summary != "Slow Read: OpenAI Admin API Rate Limit" {
			t.Fatalf("warnings %v, want one about the rate limit", warnings)
		}
		for _, want := range []string{" in all waiting on the OpenAI Admin API's rate limit", "429 Too Many Requests", "Set max_requests_per_minute = "} {
			if !strings.Contains(warnings[0].Detail, want) {
				t.Errorf("warning %q lacks %q", warnings[0].Detail, want)
			}
		}
		t.Log(warnings[0].Detail)
	}
}

// Two data sources that share one slow sweep warn once between them: the
// second read gets the sweep's result without its waits.
func TestSlowSweepWarnsOnce(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(1_800_000_000, 0))
	srv := openaitest.NewServer(openaitest.Options{Clock: clock, RateLimitPerMinute: 10})
	defer srv.Close()
	srv.SeedAdminKeys(120)
	srv.SeedProjects(20, func(i int) int { return i * 7 })
	p := &openaiProvider{version: "test", clientConfig: client.Config{Clock: clock, Jitter: func() float64 { return 0 }, MaxRetryWait: 24 * time.Hour}}
	read := configuredInProcess(t, p, srv.URL())
	var warnings []string
	for range 2 {
		for _, d := range read("openai_api_keys", nil).Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				t.Fatalf("%s: %s", d.Summary, d.Detail)
			}
			warnings = append(warnings, d.Summary)
		}
	}
	if len(warnings) != 1 || warnings[0] != "Slow Read: OpenAI Admin API Rate Limit" {
		t.Fatalf("warnings %q, want one about the rate limit for the sweep both reads share", warnings)
	}
}
