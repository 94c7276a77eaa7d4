package client_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// BenchmarkListAdminAPIKeys sweeps whole organizations through the fake API
// over loopback HTTP: request, decode and collect, per key.
func BenchmarkListAdminAPIKeys(b *testing.B) {
	for _, n := range []int{1_000, 10_000, 100_000} {
		b.Run(fmt.Sprintf("keys=%d", n), func(b *testing.B) {
			srv := openaitest.NewServer(openaitest.Options{})
			defer srv.Close()
			srv.SeedAdminKeys(n)
			c, err := client.New(client.Config{AdminKey: openaitest.DefaultAdminKey, BaseURL: srv.URL()})
			if err != nil {
				b.Fatal(err)
			}
			ctx := context.Background()
			b.ReportAllocs()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for b.Loop() {
				keys, err := c.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if len(keys) != n {
					b.Fatalf("got %d keys, want %d", len(keys), n)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			sweeps := float64(b.N)
			// Bytes include the in-process fake's side of each request.
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/sweeps/float64(n), "B/key")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/sweeps/float64(n), "ns/key")
			b.ReportMetric(float64(len(srv.Requests()))/sweeps, "requests/sweep")
			b.ReportMetric(float64((n+client.PageSize-1)/client.PageSize), "ideal-requests")
		})
	}
}
