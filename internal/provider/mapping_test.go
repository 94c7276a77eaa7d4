package provider

import (
	"context"
	"fmt"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// adminKeysFromFake lists n generated keys through the real client.
func adminKeysFromFake(tb testing.TB, n int) []client.AdminAPIKey {
	tb.Helper()
	srv := openaitest.NewServer(openaitest.Options{})
	tb.Cleanup(srv.Close)
	srv.SeedAdminKeys(n)
	c, err := client.New(client.Config{AdminKey: openaitest.DefaultAdminKey, BaseURL: srv.URL()})
	if err != nil {
		tb.Fatal(err)
	}
	keys, err := c.ListAdminAPIKeys(context.Background(), client.ListAdminAPIKeysOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	return keys
}

// TestListLimitFitsTheResponseCap encodes a data source's state as
// terraform-plugin-go sends it, with long names, and checks that
// defaultMaxListItems such keys stay well inside the 256 MiB response cap.
func TestListLimitFitsTheResponseCap(t *testing.T) {
	keys := adminKeysFromFake(t, 2000)
	long := strings.Repeat("n", 64)
	for i := range keys {
		keys[i].Name, keys[i].Owner.Name = &long, &long
	}
	keysValue, ids, err := adminKeysState.list(keys)
	if err != nil {
		t.Fatal(err)
	}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"order": tftypes.String, "keys": keysValue.Type(), "ids": ids.Type(),
	}}
	state := tftypes.NewValue(typ, map[string]tftypes.Value{"order": stringValue("asc"), "keys": keysValue, "ids": ids})
	dv, err := tfprotov6.NewDynamicValue(typ, state)
	if err != nil {
		t.Fatal(err)
	}
	perKey := float64(len(dv.MsgPack)) / float64(len(keys))
	total := perKey * defaultMaxListItems
	t.Logf("%.0f bytes of state per key; %d keys = %.0f MiB of the 256 MiB cap; the cap is reached at about %.0f keys",
		perKey, defaultMaxListItems, total/(1<<20), responseCap/perKey)
	if total > 0.8*responseCap {
		t.Errorf("%d keys of %.0f bytes = %.0f MiB: less than 20%% headroom under the 256 MiB cap", defaultMaxListItems, perKey, total/(1<<20))
	}
	checkREADMEListLimit(t, responseCap/perKey)
}

// BenchmarkAdminKeysState measures mapping decoded keys into state values,
// the provider's own per-key cost on top of the client's.
func BenchmarkAdminKeysState(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			keys := adminKeysFromFake(b, n)
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := adminKeysState.list(keys); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
		})
	}
}

// BenchmarkReadAdminAPIKeys calls the provider's gRPC ReadDataSource handler
// in process, as Terraform does, after the sweep is memoized: the mapping,
// the framework's own work after Read, and the encoding of the response.
// What a plan costs beyond this is the sweep and Terraform itself.
func BenchmarkReadAdminAPIKeys(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			srv := openaitest.NewServer(openaitest.Options{})
			b.Cleanup(srv.Close)
			srv.SeedAdminKeys(n)
			server, err := providerserver.NewProtocol6WithError(&openaiProvider{version: "bench"})()
			if err != nil {
				b.Fatal(err)
			}
			schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
			if err != nil {
				b.Fatal(err)
			}
			providerType := schemas.Provider.ValueType()
			config, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, map[string]tftypes.Value{
				"admin_key":               stringValue(openaitest.DefaultAdminKey),
				"base_url":                stringValue(srv.URL()),
				"max_retries":             tftypes.NewValue(tftypes.Number, nil),
				"request_timeout":         tftypes.NewValue(tftypes.String, nil),
				"max_requests_per_minute": tftypes.NewValue(tftypes.Number, nil),
			}))
			if err != nil {
				b.Fatal(err)
			}
			if resp, err := server.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &config}); err != nil || len(resp.Diagnostics) > 0 {
				b.Fatal(err, resp.Diagnostics)
			}
			// Every argument null: the defaults, whatever arguments the schema gains.
			dsType := schemas.DataSourceSchemas["openai_admin_api_keys"].ValueType().(tftypes.Object)
			nulls := make(map[string]tftypes.Value, len(dsType.AttributeTypes))
			for name, t := range dsType.AttributeTypes {
				nulls[name] = tftypes.NewValue(t, nil)
			}
			dsConfig, err := tfprotov6.NewDynamicValue(dsType, tftypes.NewValue(dsType, nulls))
			if err != nil {
				b.Fatal(err)
			}
			read := func() {
				resp, err := server.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "openai_admin_api_keys", Config: &dsConfig})
				if err != nil || len(resp.Diagnostics) > 0 {
					b.Fatal(err, resp.Diagnostics)
				}
			}
			read() // The sweep, memoized from here on.
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				read()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
		})
	}
}

// readmeListLimit is the README's sentence on the list limit.
var readmeListLimit = regexp.MustCompile(`at most ([0-9,]+) items \(Terraform caps a provider response at (\d+) MiB, about ([0-9,]+)\s+admin keys`)

// checkREADMEListLimit fails unless the README gives the limit and the cap
// the code has, and about as many admin keys as fit.
func checkREADMEListLimit(t *testing.T, fit float64) {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := readmeListLimit.FindStringSubmatch(string(readme))
	if m == nil {
		t.Fatalf("the README no longer says %q", readmeListLimit)
	}
	if m[1] != thousands(defaultMaxListItems) || m[2] != strconv.Itoa(responseCap>>20) {
		t.Errorf("the README says %s items and %s MiB; the code has %s and %d", m[1], m[2], thousands(defaultMaxListItems), responseCap>>20)
	}
	said, _ := strconv.Atoi(strings.ReplaceAll(m[3], ",", ""))
	if math.Abs(float64(said)-fit) > 0.05*fit {
		t.Errorf("the README says about %s admin keys fit; %.0f do", m[3], fit)
	}
}

// Every list state maps an item with every field null and one with every
// field set, both branches of openai_api_keys included: a values function
// that no longer fits its schema fails here, in a plain go test.
func TestEveryListStateMapsNullAndSetItems(t *testing.T) {
	s, n, yes := func(v string) *string { return &v }, func(v int64) *int64 { return &v }, func(v bool) *bool { return &v }
	fullAdmin := client.AdminAPIKey{ID: "key_a", Name: s("ci"), RedactedValue: s("sk-admin...abcd"), CreatedAt: 1,
		ExpiresAt: n(2), LastUsedAt: n(3), Owner: client.KeyOwner{Type: s("user"), Object: s("organization.user"),
			ID: s("user_1"), Name: s("Ada"), CreatedAt: n(4), Role: s("owner")}}
	actor := &client.ProjectKeyActor{ID: s("user_2"), Name: s("Grace"), Email: s("grace@example.com"), Role: s("member"), CreatedAt: n(5)}
	fullProjectKey := client.ProjectAPIKey{ID: "key_p", Name: s("prod"), RedactedValue: s("sk-proj-...efgh"), CreatedAt: 6,
		LastUsedAt: n(7), OwnerProjectAccess: s("active"), Owner: client.ProjectKeyOwner{Type: s("user"), User: actor}}
	fullProject := client.Project{ID: "proj_1", Name: s("Production"), CreatedAt: 8, ArchivedAt: n(9), Status: s("archived"),
		ExternalKeyID: s("ekm_1"), Residency: s("EU_STORAGE_PROCESSING")}
	fullUser := client.User{ID: "user_1", Name: s("Ada"), Email: s("ada@example.com"), Role: s("owner"), AddedAt: 10,
		IsServiceAccount: yes(false), IsSCIMManaged: yes(true), APIKeyLastUsedAt: n(11)}

	for _, tc := range []struct {
		name string
		list func() error
	}{
		{"openai_admin_api_keys", func() error {
			_, _, err := adminKeysState.list([]client.AdminAPIKey{{ID: "key_null"}, fullAdmin})
			return err
		}},
		{"openai_api_keys", func() error {
			_, _, err := anyKeysState.list([]anyKey{
				{admin: &client.AdminAPIKey{ID: "key_null"}}, {admin: &fullAdmin},
				{project: &client.ProjectAPIKey{ID: "key_null_p"}, of: &client.Project{ID: "proj_null"}},
				{project: &fullProjectKey, of: &fullProject},
			})
			return err
		}},
		{"openai_project_api_keys", func() error {
			_, _, err := projectKeysState.list([]client.ProjectAPIKey{{ID: "key_null"}, fullProjectKey})
			return err
		}},
		{"openai_projects", func() error {
			_, _, err := projectsState.list([]client.Project{{ID: "proj_null"}, fullProject})
			return err
		}},
		{"openai_users", func() error {
			_, _, err := usersState.list([]client.User{{ID: "user_null"}, fullUser})
			return err
		}},
	} {
		if err := tc.list(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// A values function that drops an attribute, or a nested owner that lacks
// one, is an error that names the data source's attribute: never a panic.
func TestStateThatDoesNotFitIsAnErrorNotAPanic(t *testing.T) {
	dropped := anyKeysState
	dropped.values = func(k *anyKey) map[string]tftypes.Value {
		values := anyKeyValues(k)
		if k.project != nil {
			delete(values, "project_status")
		}
		return values
	}
	_, _, err := dropped.list([]anyKey{{admin: &client.AdminAPIKey{ID: "key_a"}}, {project: &client.ProjectAPIKey{ID: "key_p"}, of: &client.Project{ID: "proj_1"}}})
	if err == nil || !strings.Contains(err.Error(), `keys[1] (id "key_p"): attribute "project_status" is missing`) {
		t.Fatalf("error %v, want one naming keys[1] and project_status", err)
	}

	badOwner := adminKeysState
	badOwner.values = func(k *client.AdminAPIKey) map[string]tftypes.Value {
		values := adminKeyValues(k)
		values["owner"] = nestedObject(ownerType, map[string]tftypes.Value{"id": stringValue("user_1")})
		return values
	}
	_, _, err = badOwner.list([]client.AdminAPIKey{{ID: "key_a"}})
	if err == nil || !strings.Contains(err.Error(), `attribute "owner": attribute "`) || !strings.Contains(err.Error(), "is missing") {
		t.Fatalf("error %v, want one naming the owner's missing attribute", err)
	}

	wrongType := projectsState
	wrongType.values = func(p *client.Project) map[string]tftypes.Value {
		values := projectValues(p)
		values["created_at"] = stringValue("yesterday")
		return values
	}
	_, _, err = wrongType.list([]client.Project{{ID: "proj_1"}})
	if err == nil || !strings.Contains(err.Error(), `attribute "created_at" is a tftypes.String, not a tftypes.Number`) {
		t.Fatalf("error %v, want one naming created_at's type", err)
	}
}
