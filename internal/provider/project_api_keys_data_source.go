package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

var (
	_ datasource.DataSource              = (*projectAPIKeysDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*projectAPIKeysDataSource)(nil)
)

// projectAPIKeysDataSource lists the API keys of one project.
type projectAPIKeysDataSource struct {
	configured
}

func newProjectAPIKeysDataSource() datasource.DataSource {
	return &projectAPIKeysDataSource{}
}

func (d *projectAPIKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_project_api_keys"
}

func projectKeyAttributes() map[string]schema.Attribute {
	attributes := keyAttributes("sk-abc...def")
	attributes["owner_project_access"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "`active` while the key's owner still has access to the project, else `inactive`."}
	attributes["owner"] = schema.SingleNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The user or service account that owns the key, flattened.",
		Attributes:          projectKeyOwnerAttributes(),
	}
	return attributes
}

func projectKeyOwnerAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"type":  schema.StringAttribute{Computed: true, MarkdownDescription: "`user` or `service_account`."},
		"id":    schema.StringAttribute{Computed: true, MarkdownDescription: "The owner's id; null when the API gives no owner details."},
		"name":  schema.StringAttribute{Computed: true, MarkdownDescription: "The owner's name; null when the API gives none."},
		"email": schema.StringAttribute{Computed: true, MarkdownDescription: "The user's email; null for service accounts."},
		"role":  schema.StringAttribute{Computed: true, MarkdownDescription: "The owner's role in the project, such as `owner` or `member`; null when the API gives none."},
		"created_at": schema.Int64Attribute{Computed: true,
			MarkdownDescription: "When the owner was created, in Unix seconds; null when the API gives none."},
	}
}

var (
	projectKeyOwnerType = objectType(projectKeyOwnerAttributes())
	projectKeysState    = listState[client.ProjectAPIKey]{
		name: "openai_project_api_keys", attr: "keys", noun: "project API keys", elem: objectType(projectKeyAttributes()), values: projectKeyValues,
		id: func(k *client.ProjectAPIKey) string { return k.ID },
	}
)

func (d *projectAPIKeysDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
		MarkdownDescription: "Lists **every** API key of one OpenAI project, page after page, with nulls kept: a key " +
			"that was never used has a null `last_used_at`. By default keys whose owner lost access to the project " +
			"are listed too, so the inventory is complete. " + listLimitNote,
		Attributes: map[string]schema.Attribute{
			"project_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The id of the project, such as `proj_abc`.",
				Validators: []validator.String{idValidator{noun: "a project", example: "proj_abc",
					source: "the openai_projects data source lists them"}},
			},
			"owner_project_access": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Which keys to list by their owner's access to the project: `active`, `inactive`, " +
					"or `any` (the default).",
				Validators: []validator.String{stringvalidator.OneOf(
					client.OwnerProjectAccessActive, client.OwnerProjectAccessInactive, client.OwnerProjectAccessAny)},
			},
			"keys": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The project's API keys, oldest first. Empty, never null, when there are none.",
				NestedObject:        schema.NestedAttributeObject{Attributes: projectKeyAttributes()},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The ids of `keys`, in the same order.",
			},
		},
	}
}

func (d *projectAPIKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, end := d.data.beginRead(ctx, "openai_project_api_keys", req.Config, &resp.Diagnostics)
	defer end(&resp.Diagnostics)
	var projectID, access types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("project_id"), &projectID)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("owner_project_access"), &access)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if access.IsNull() {
		access = types.StringValue(client.OwnerProjectAccessAny)
	}
	id := projectID.ValueString()
	keys, err := d.data.projectAPIKeys(ctx, id, access.ValueString())
	switch {
	case client.IsNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("project_id"), "Project Not Found",
			fmt.Sprintf("The organization has no project with id %q: check the id, or list the projects with the "+
				"openai_projects data source.\n\n%s", id, cause(err)))
		return
	case err != nil:
		resp.Diagnostics.Append(apiErrorDiagnostic(fmt.Sprintf("list the API keys of project %q", id), err))
		return
	}
	defaults := map[string]tftypes.Value{"owner_project_access": stringValue(access.ValueString())}
	projectKeysState.set(ctx, resp, req.Config, defaults, keys, d.data.maxListItems)
}

func projectKeyValues(k *client.ProjectAPIKey) map[string]tftypes.Value {
	null := tftypes.NewValue(tftypes.String, nil)
	owner := map[string]tftypes.Value{
		"type":       nullableString(k.Owner.Type),
		"id":         null,
		"name":       null,
		"email":      null,
		"role":       null,
		"created_at": tftypes.NewValue(tftypes.Number, nil),
	}
	if a := k.Owner.Actor(); a != nil {
		owner["id"] = nullableString(a.ID)
		owner["name"] = nullableString(a.Name)
		owner["email"] = nullableString(a.Email)
		owner["role"] = nullableString(a.Role)
		owner["created_at"] = nullableInt64(a.CreatedAt)
	}
	values := keyValues(k.ID, k.Name, k.RedactedValue, k.CreatedAt, k.LastUsedAt)
	values["owner_project_access"] = nullableString(k.OwnerProjectAccess)
	values["owner"] = nestedObject(projectKeyOwnerType, owner)
	return values
}
