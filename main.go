// Command terraform-provider-openai serves the openai Terraform provider.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/keycensus/terraform-provider-openai/internal/provider"
)

// Generate the docs with the repository's own tfplugindocs (go tool).
//go:generate go tool tfplugindocs generate --provider-name openai

// version is set at build time by goreleaser (-ldflags "-X main.version=...").
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: "registry.terraform.io/keycensus/openai",
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}
