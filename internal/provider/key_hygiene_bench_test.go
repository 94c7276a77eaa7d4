package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keycensus/terraform-provider-openai/internal/client"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// BenchmarkKeyHygieneFunction calls provider::openai::key_hygiene as
// Terraform does, through the provider server's CallFunction with msgpack
// arguments, on an organization of 10,050 keys in 100 projects.
func BenchmarkKeyHygieneFunction(b *testing.B) {
	srv := openaitest.NewServer(openaitest.Options{})
	b.Cleanup(srv.Close)
	srv.SeedAdminKeys(50)
	srv.SeedProjects(150, func(i int) int {
		if i%3 == 2 {
			return 0
		}
		return 100
	})
	c, err := client.New(client.Config{AdminKey: openaitest.DefaultAdminKey, BaseURL: srv.URL()})
	if err != nil {
		b.Fatal(err)
	}
	data := &providerData{client: c, maxListItems: defaultMaxListItems}
	keys, diags := data.allAPIKeys(context.Background(), false)
	if diags.HasError() {
		b.Fatal(diags)
	}
	list, _, err := anyKeysState.list(keys)
	if err != nil {
		b.Fatal(err)
	}
	keysArg, err := tfprotov6.NewDynamicValue(tftypes.DynamicPseudoType, list)
	if err != nil {
		b.Fatal(err)
	}
	settings := tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{"now": tftypes.String}},
		map[string]tftypes.Value{"now": tftypes.NewValue(tftypes.String, "2026-12-01T12:00:00Z")})
	settingsArg, err := tfprotov6.NewDynamicValue(tftypes.DynamicPseudoType, settings)
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []struct {
		name   string
		server func() (tfprotov6.ProviderServer, error)
	}{
		{"raw", NewServer("bench")},
		{"framework", providerserver.NewProtocol6WithError(&openaiProvider{version: "bench"})},
	} {
		b.Run(path.name, func(b *testing.B) {
			server, err := path.server()
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				resp, err := server.CallFunction(context.Background(), &tfprotov6.CallFunctionRequest{
					Name: "key_hygiene", Arguments: []*tfprotov6.DynamicValue{&keysArg, &settingsArg},
				})
				if err != nil || resp.Error != nil {
					b.Fatal(err, resp.Error)
				}
			}
		})
	}
}
