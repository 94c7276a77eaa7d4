package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

var (
	_ datasource.DataSource              = (*usersDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*usersDataSource)(nil)
)

// usersDataSource lists every user of the organization.
type usersDataSource struct {
	configured
}

func newUsersDataSource() datasource.DataSource {
	return &usersDataSource{}
}

func (d *usersDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_users"
}

func userAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id":    schema.StringAttribute{Computed: true, MarkdownDescription: "The user's id, such as `user-abc`; admin keys name their owner by it."},
		"name":  schema.StringAttribute{Computed: true, MarkdownDescription: "The user's name; null when the API gives none."},
		"email": schema.StringAttribute{Computed: true, MarkdownDescription: "The user's email; null when the API gives none."},
		"role": schema.StringAttribute{Computed: true,
			MarkdownDescription: "The user's role in the organization, `owner` or `reader`; null when the API gives none."},
		"added_at": schema.Int64Attribute{Computed: true, MarkdownDescription: "When the user joined the organization, in Unix seconds."},
		"added_at_rfc3339": schema.StringAttribute{Computed: true,
			MarkdownDescription: "`added_at` as an RFC 3339 timestamp in UTC."},
		"is_service_account": schema.BoolAttribute{Computed: true,
			MarkdownDescription: "Whether the user is a service account; null when the API does not say (absent is unknown, not false)."},
		"is_scim_managed": schema.BoolAttribute{Computed: true,
			MarkdownDescription: "Whether the user is managed by SCIM; null when the API does not say."},
		"api_key_last_used_at": schema.Int64Attribute{Computed: true,
			MarkdownDescription: "When the user's API keys were last used, in Unix seconds; null when never (never 0)."},
		"api_key_last_used_at_rfc3339": schema.StringAttribute{Computed: true,
			MarkdownDescription: "`api_key_last_used_at` as an RFC 3339 timestamp in UTC; null when it is null."},
	}
}

var usersState = listState[client.User]{
	name: "openai_users", attr: "users", noun: "users", elem: objectType(userAttributes()), values: userValues,
	id: func(u *client.User) string { return u.ID },
}

func (d *usersDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
		MarkdownDescription: "Lists **every** user of the OpenAI organization, page after page, with nulls kept. Pass its " +
			"`users` to `modules/key-hygiene` (or the `users` setting of `provider::openai::key_hygiene`) to find admin " +
			"keys whose owner has left the organization, and organizations with too many owners. " + listLimitNote,
		Attributes: map[string]schema.Attribute{
			"users": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The users, in the order the API lists them (by when they joined). Empty, never null, when there are none.",
				NestedObject:        schema.NestedAttributeObject{Attributes: userAttributes()},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The ids of `users`, in the same order.",
			},
		},
	}
}

func (d *usersDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, end := d.data.beginRead(ctx, "openai_users", req.Config, &resp.Diagnostics)
	defer end(&resp.Diagnostics)
	users, err := d.data.users(ctx)
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("list the organization's users", err))
		return
	}
	usersState.set(ctx, resp, req.Config, nil, users, d.data.maxListItems)
}

func nullableBool(v *bool) tftypes.Value {
	if v == nil {
		return tftypes.NewValue(tftypes.Bool, nil)
	}
	return tftypes.NewValue(tftypes.Bool, *v)
}

func userValues(u *client.User) map[string]tftypes.Value {
	return map[string]tftypes.Value{
		"id":                           stringValue(u.ID),
		"name":                         nullableString(u.Name),
		"email":                        nullableString(u.Email),
		"role":                         nullableString(u.Role),
		"added_at":                     int64Value(u.AddedAt),
		"added_at_rfc3339":             rfc3339(u.AddedAt),
		"is_service_account":           nullableBool(u.IsServiceAccount),
		"is_scim_managed":              nullableBool(u.IsSCIMManaged),
		"api_key_last_used_at":         nullableInt64(u.APIKeyLastUsedAt),
		"api_key_last_used_at_rfc3339": nullableRFC3339(u.APIKeyLastUsedAt),
	}
}
