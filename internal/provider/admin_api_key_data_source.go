package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

var (
	_ datasource.DataSource              = (*adminAPIKeyDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*adminAPIKeyDataSource)(nil)
)

// adminAPIKeyDataSource reads one admin API key by id.
type adminAPIKeyDataSource struct {
	configured
}

func newAdminAPIKeyDataSource() datasource.DataSource {
	return &adminAPIKeyDataSource{}
}

func (d *adminAPIKeyDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_admin_api_key"
}

func (d *adminAPIKeyDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attributes := adminKeyAttributes()
	attributes["id"] = schema.StringAttribute{
		Required:            true,
		MarkdownDescription: "The id of the admin API key, such as `key_abc`.",
		Validators: []validator.String{idValidator{noun: "an admin API key", example: "key_abc",
			source: "the openai_admin_api_keys data source lists them"}},
	}
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
		MarkdownDescription: "Reads one admin API key of the OpenAI organization by id, with the same attributes as an " +
			"element of `openai_admin_api_keys.keys`. An id that does not exist is an error.",
		Attributes: attributes,
	}
}

func (d *adminAPIKeyDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, end := d.data.beginRead(ctx, "openai_admin_api_key", req.Config, &resp.Diagnostics)
	defer end(&resp.Diagnostics)
	var id types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("id"), &id)...)
	if resp.Diagnostics.HasError() {
		return
	}

	key, err := d.data.client.GetAdminAPIKey(ctx, id.ValueString())
	switch {
	case client.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("id"), "Admin API Key Not Found",
			fmt.Sprintf("The organization has no admin API key with id %q: check the id, or list the keys with the "+
				"openai_admin_api_keys data source. The key may have been deleted.\n\n%s", id.ValueString(), cause(err)))
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("read the admin API key %q", id.ValueString()), err))
		return
	}
	// The schema is one element of openai_admin_api_keys.keys, id required.
	values := adminKeyValues(key)
	delete(values, "id")
	setState(ctx, resp, "openai_admin_api_key", req.Config, nil, values)
}
