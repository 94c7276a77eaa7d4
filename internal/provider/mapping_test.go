package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

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
	keysValue, ids := adminKeysState.list(keys)
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{
		"order": tftypes.String, "keys": keysValue.Type(), "ids": ids.Type(),
	}}
	state := tftypes.NewValue(typ, map[string]tftypes.Value{"order": stringValue("asc"), "keys": keysValue, "ids": ids})
	dv, err := tfprotov6.NewDynamicValue(typ, state)
	if err != nil {
		t.Fatal(err)
	}
	perKey := float64(len(dv.MsgPack)) / float64(len(keys))
	const responseCap = 256 << 20
	total := perKey * defaultMaxListItems
	t.Logf("%.0f bytes of state per key; %d keys = %.0f MiB of the 256 MiB cap; the cap is reached at about %.0f keys",
		perKey, defaultMaxListItems, total/(1<<20), responseCap/perKey)
	if total > 0.8*responseCap {
		t.Errorf("%d keys of %.0f bytes = %.0f MiB: less than 20%% headroom under the 256 MiB cap", defaultMaxListItems, perKey, total/(1<<20))
	}
}

// BenchmarkAdminKeysState measures mapping decoded keys into state values,
// the provider's own per-key cost on top of the client's.
func BenchmarkAdminKeysState(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			keys := adminKeysFromFake(b, n)
			b.ReportAllocs()
			for b.Loop() {
				adminKeysState.list(keys)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/key")
		})
	}
}
