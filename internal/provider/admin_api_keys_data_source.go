package provider

import (
	"context"

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
	_ datasource.DataSource              = (*adminAPIKeysDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*adminAPIKeysDataSource)(nil)
)

// adminAPIKeysDataSource lists every admin API key of the organization.
type adminAPIKeysDataSource struct {
	configured
}

func newAdminAPIKeysDataSource() datasource.DataSource {
	return &adminAPIKeysDataSource{}
}

func (d *adminAPIKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_admin_api_keys"
}

// adminKeyAttributes describes one admin API key. openai_admin_api_keys
// nests them in a list; each is null where the API sends null.
func adminKeyAttributes() map[string]schema.Attribute {
	attributes := keyAttributes("sk-admin...def")
	attributes["expires_at"] = schema.Int64Attribute{Computed: true,
		MarkdownDescription: "When the key expires, in Unix seconds; null when it never expires."}
	attributes["expires_at_rfc3339"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "`expires_at` as an RFC 3339 timestamp in UTC; null when the key never expires."}
	attributes["owner"] = schema.SingleNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The user or service account that owns the key.",
		Attributes:          ownerAttributes(),
	}
	return attributes
}

func ownerAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"id": schema.StringAttribute{Computed: true,
			MarkdownDescription: "The owner's id: `user_...` for a user, `sa_...` or similar for a service account; null when the API gives none."},
		"type": schema.StringAttribute{Computed: true, MarkdownDescription: "`user` or `service_account`; null when the API gives none."},
		"object": schema.StringAttribute{Computed: true,
			MarkdownDescription: "The owner's object type, such as `organization.user` or `organization.service_account`; null when the API gives none."},
		"name": schema.StringAttribute{Computed: true, MarkdownDescription: "The owner's name; null when the API gives none."},
		"role": schema.StringAttribute{Computed: true,
			MarkdownDescription: "The owner's role in the organization, such as `owner`, `member` or `reader`; null when the API gives none."},
		"created_at": schema.Int64Attribute{Computed: true,
			MarkdownDescription: "When the owner was created, in Unix seconds; null when the API gives none."},
	}
}

var (
	adminKeyType   = objectType(adminKeyAttributes())
	ownerType      = objectType(ownerAttributes())
	adminKeysState = listState[client.AdminAPIKey]{
		name: "openai_admin_api_keys", attr: "keys", noun: "admin API keys", elem: adminKeyType, values: adminKeyValues,
		id: func(k *client.AdminAPIKey) string { return k.ID },
	}
)

func (d *adminAPIKeysDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
		MarkdownDescription: "Lists **every** key of the Admin API's admin key listing (`GET /organization/admin_api_keys`), " +
			"page after page, exactly as the API reports it: a key that was never used has a null `last_used_at`, " +
			"not 0, and a key that never expires has a null `expires_at`. Any number of these data sources with the " +
			"same `order` cost one sweep of the API per Terraform run.\n\n" +
			"The API describes this listing as \"all organization and project API keys\", and it has been seen to " +
			"hold every project's API keys too, each labelled as an admin key with the id its project lists it under. " +
			"Set `exclude_project_keys = true` to keep only the keys that no project lists. For an inventory of the " +
			"organization's keys, each once and of the right kind, use `openai_api_keys`. " + listLimitNote,
		Attributes: map[string]schema.Attribute{
			"order": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: "The order of `keys` by creation time: `asc` (the default, oldest first) or `desc`.",
				Validators:          []validator.String{stringvalidator.OneOf(string(client.OrderAsc), string(client.OrderDesc))},
			},
			"exclude_project_keys": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Whether to drop every key that a project lists, archived projects included, so that " +
					"only admin keys remain. Defaults to `false`: the listing as the API gives it. It costs the listing " +
					"of every project and its keys, shared with `openai_api_keys` and `openai_project_api_keys` in the same run.",
			},
			"keys": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "Every key of the admin key listing, in `order`, less the project keys with `exclude_project_keys`. Empty, never null, when there are none.",
				NestedObject:        schema.NestedAttributeObject{Attributes: adminKeyAttributes()},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The ids of `keys`, in the same order.",
			},
		},
	}
}

func (d *adminAPIKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, end := d.data.beginRead(ctx, "openai_admin_api_keys", req.Config, &resp.Diagnostics)
	defer end(&resp.Diagnostics)
	var order types.String
	var excludeProjectKeys types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("order"), &order)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("exclude_project_keys"), &excludeProjectKeys)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if order.IsNull() {
		order = types.StringValue(string(client.OrderAsc))
	}

	keys, err := d.data.adminAPIKeys(ctx, client.Order(order.ValueString()))
	if err != nil {
		resp.Diagnostics.Append(apiErrorDiagnostic("list the organization's admin API keys", err))
		return
	}
	if excludeProjectKeys.ValueBool() {
		swept, diags := d.data.projectKeys(ctx, true)
		resp.Diagnostics.Append(diags...)
		if diags.HasError() {
			return
		}
		keys = withoutProjectKeys(ctx, keys, swept.ids())
	}

	defaults := map[string]tftypes.Value{
		"order":                stringValue(order.ValueString()),
		"exclude_project_keys": tftypes.NewValue(tftypes.Bool, excludeProjectKeys.ValueBool()),
	}
	adminKeysState.set(ctx, resp, req.Config, defaults, keys, d.data.maxListItems)
}

func adminKeyValues(k *client.AdminAPIKey) map[string]tftypes.Value {
	values := keyValues(k.ID, k.Name, k.RedactedValue, k.CreatedAt, k.LastUsedAt)
	values["expires_at"] = nullableInt64(k.ExpiresAt)
	values["expires_at_rfc3339"] = nullableRFC3339(k.ExpiresAt)
	values["owner"] = nestedObject(ownerType, map[string]tftypes.Value{
		"id":         nullableString(k.Owner.ID),
		"type":       nullableString(k.Owner.Type),
		"object":     nullableString(k.Owner.Object),
		"name":       nullableString(k.Owner.Name),
		"role":       nullableString(k.Owner.Role),
		"created_at": nullableInt64(k.Owner.CreatedAt),
	})
	return values
}
