// Command terraform-provider-openai serves the openai Terraform provider.
package main

import (
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

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

	var opts []tf6server.ServeOpt
	if debug {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	server := provider.NewServer(version)
	err := tf6server.Serve("registry.terraform.io/keycensus/openai", func() tfprotov6.ProviderServer {
		s, err := server()
		if err != nil {
			log.Fatal(err.Error())
		}
		return s
	}, opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}
