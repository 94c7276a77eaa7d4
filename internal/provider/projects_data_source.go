package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

var (
	_ datasource.DataSource              = (*projectsDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*projectsDataSource)(nil)
)

// projectsDataSource lists the organization's projects.
type projectsDataSource struct {
	configured
}

func newProjectsDataSource() datasource.DataSource {
	return &projectsDataSource{}
}

func (d *projectsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_projects"
}

func projectAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":                 schema.StringAttribute{Computed: true, MarkdownDescription: "The project's id, such as `proj_abc`."},
		"name":               schema.StringAttribute{Computed: true, MarkdownDescription: "The project's name; null when the API gives none."},
		"status":             schema.StringAttribute{Computed: true, MarkdownDescription: "`active` or `archived`; null when the API gives none."},
		"created_at":         schema.Int64Attribute{Computed: true, MarkdownDescription: "When the project was created, in Unix seconds."},
		"created_at_rfc3339": schema.StringAttribute{Computed: true, MarkdownDescription: "`created_at` as an RFC 3339 timestamp in UTC."},
		"archived_at": schema.Int64Attribute{Computed: true,
			MarkdownDescription: "When the project was archived, in Unix seconds; null while it is active."},
		"archived_at_rfc3339": schema.StringAttribute{Computed: true,
			MarkdownDescription: "`archived_at` as an RFC 3339 timestamp in UTC; null while the project is active."},
		"external_key_id": schema.StringAttribute{Computed: true,
			MarkdownDescription: "The id of the customer-managed encryption key (EKM) the project's data is encrypted with; " +
				"null when the project uses OpenAI-managed keys."},
		"residency": schema.StringAttribute{Computed: true,
			MarkdownDescription: "Where the project keeps its data, such as `GLOBAL`, `US_STORAGE_PROCESSING` or " +
				"`EU_STORAGE_PROCESSING`, exactly as the API names it (new regions pass through unchanged); null when " +
				"the API does not say."},
	}
}

var projectsState = listState[client.Project]{
	name: "openai_projects", attr: "projects", noun: "projects", elem: objectType(projectAttributes()), values: projectValues,
	id: func(p *client.Project) string { return p.ID },
}

func (d *projectsDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
		MarkdownDescription: "Lists **every** project of the OpenAI organization, page after page. Use `ids` with " +
			"`for_each` on `openai_project_api_keys` to inventory every project API key.",
		Attributes: map[string]schema.Attribute{
			"include_archived": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "Whether archived projects are listed too. Defaults to `false`.",
			},
			"projects": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The projects, oldest first. Empty, never null, when there are none.",
				NestedObject:        schema.NestedAttributeObject{Attributes: projectAttributes()},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The ids of `projects`, in the same order.",
			},
		},
	}
}

func (d *projectsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, end := d.data.beginRead(ctx, "openai_projects", req.Config, &resp.Diagnostics)
	defer end(&resp.Diagnostics)
	var includeArchived types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("include_archived"), &includeArchived)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Null, the default, reads as false.
	opts := client.ListProjectsOptions{IncludeArchived: includeArchived.ValueBool()}
	projects, err := d.data.projects(ctx, opts)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("list the organization's projects", err))
		return
	}
	defaults := map[string]tftypes.Value{"include_archived": tftypes.NewValue(tftypes.Bool, opts.IncludeArchived)}
	projectsState.set(ctx, resp, req.Config, defaults, projects, d.data.maxListItems)
}

func projectValues(p *client.Project) map[string]tftypes.Value {
	return map[string]tftypes.Value{
		"id":                  stringValue(p.ID),
		"name":                nullableString(p.Name),
		"status":              nullableString(p.Status),
		"created_at":          int64Value(p.CreatedAt),
		"created_at_rfc3339":  rfc3339(p.CreatedAt),
		"archived_at":         nullableInt64(p.ArchivedAt),
		"archived_at_rfc3339": nullableRFC3339(p.ArchivedAt),
		"external_key_id":     nullableString(p.ExternalKeyID),
		"residency":           nullableString(p.Residency),
	}
}
