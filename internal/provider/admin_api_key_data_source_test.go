package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

func TestAccAdminAPIKeyDataSource(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	seeded := f.srv.SeedAdminKeys(40)
	// One key with every nullable field null, one with none.
	var nulls, full openaitest.AdminKey
	for _, k := range seeded {
		if k.Name == nil && k.LastUsedAt == nil && k.ExpiresAt == nil {
			nulls = k
		}
		if k.Name != nil && k.LastUsedAt != nil && k.ExpiresAt != nil && k.Owner.Type == "service_account" {
			full = k
		}
	}
	if nulls.ID == "" || full.ID == "" {
		t.Fatal("the seed lacks a key with all nulls or one with none")
	}

	var checks []statecheck.StateCheck
	for name, k := range map[string]openaitest.AdminKey{"nulls": nulls, "full": full} {
		for attr, want := range adminKeyAttrChecks(k) {
			checks = append(checks, statecheck.ExpectKnownValue("data.openai_admin_api_key."+name, tfjsonpath.New(attr), want))
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`
data "openai_admin_api_key" "nulls" { id = "` + nulls.ID + `" }
data "openai_admin_api_key" "full" { id = "` + full.ID + `" }`),
			ConfigStateChecks: checks,
		}},
	})
}

func TestAccAdminAPIKeyDataSourceNotFound(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	f.srv.SeedAdminKeys(3)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config:      f.config(`data "openai_admin_api_key" "gone" { id = "key_deleted" }`),
			ExpectError: detail("Admin API Key Not Found", `no admin API key with id "key_deleted"`, "HTTP status: 404", "Request ID: req_"),
		}},
	})
}
