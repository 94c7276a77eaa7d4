package provider

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

func TestIDValidator(t *testing.T) {
	v := idValidator{noun: "a project", example: "proj_abc", source: "the openai_projects data source lists them"}
	for _, tc := range []struct {
		value  types.String
		errors int
	}{
		{types.StringValue(""), 1},
		{types.StringValue("   "), 1},
		{types.StringValue("\t\n"), 1},
		{types.StringValue("proj_abc"), 0},
		{types.StringNull(), 0},
		{types.StringUnknown(), 0},
	} {
		var resp validator.StringResponse
		v.ValidateString(context.Background(), validator.StringRequest{Path: path.Root("project_id"), ConfigValue: tc.value}, &resp)
		if got := resp.Diagnostics.ErrorsCount(); got != tc.errors || len(resp.Diagnostics) != tc.errors {
			t.Errorf("%s: %d diagnostics (%d errors), want %d error(s): %v", tc.value, len(resp.Diagnostics), got, tc.errors, resp.Diagnostics)
		}
	}
}

// An empty or blank id is refused when the configuration is validated, with
// one attribute error, before the provider sends a request.
func TestAccBlankIDsAreRefused(t *testing.T) {
	for _, tc := range []struct{ dataSource, attribute, want string }{
		{"openai_project_api_keys", "project_id", "the id of a project"},
		{"openai_admin_api_key", "id", "the id of an admin API key"},
	} {
		for _, id := range []string{"", "   "} {
			t.Run(fmt.Sprintf("%s %q", tc.dataSource, id), func(t *testing.T) {
				f := newAccFixture(t, openaitest.Options{})
				f.srv.SeedProjects(1, func(int) int { return 1 })
				resource.ParallelTest(t, resource.TestCase{
					ProtoV6ProviderFactories: f.factories(),
					Steps: []resource.TestStep{{
						Config: f.config(fmt.Sprintf("data %q \"x\" {\n  %s = %q\n}", tc.dataSource, tc.attribute, id)),
						ExpectError: detail("Empty OpenAI ID", fmt.Sprintf("%s is %q", tc.attribute, id), "nothing was requested",
							tc.want),
					}},
				})
				if n := len(f.srv.Requests()); n != 0 {
					t.Errorf("a blank %s sent %d requests", tc.attribute, n)
				}
			})
		}
	}
}
