package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// State is built from attr.Values directly: setting tagged structs through
// reflection costs several times more for lists of thousands of keys.

// nullableInt64 keeps the API's null: nil is null, never 0.
func nullableInt64(v *int64) types.Int64 {
	if v == nil {
		return types.Int64Null()
	}
	return types.Int64Value(*v)
}

// nullableString keeps the API's null: nil is null, never "".
func nullableString(v *string) types.String {
	if v == nil {
		return types.StringNull()
	}
	return types.StringValue(*v)
}

// rfc3339 renders Unix seconds in UTC, the form Terraform's timecmp and
// timeadd take.
func rfc3339(unix int64) types.String {
	return types.StringValue(time.Unix(unix, 0).UTC().Format(time.RFC3339))
}

func nullableRFC3339(unix *int64) types.String {
	if unix == nil {
		return types.StringNull()
	}
	return rfc3339(*unix)
}

// objectType returns the object type of a nested schema. Schemas are fixed,
// so a mismatch is a provider bug that every test finds at start-up.
func objectType(t attr.Type) types.ObjectType {
	o, ok := t.(types.ObjectType)
	if !ok {
		panic(fmt.Sprintf("provider bug: %T is not an object type", t))
	}
	return o
}

// objectList maps items to a list of objects of type elem. It is never null:
// an empty input gives an empty list.
func objectList[T any](elem types.ObjectType, items []T, attrs func(*T) map[string]attr.Value) (types.List, diag.Diagnostics) {
	var diags diag.Diagnostics
	values := make([]attr.Value, len(items))
	for i := range items {
		obj, d := types.ObjectValue(elem.AttrTypes, attrs(&items[i]))
		if d.HasError() {
			diags.Append(d...)
			return types.ListNull(elem), diags
		}
		values[i] = obj
	}
	list, d := types.ListValue(elem, values)
	diags.Append(d...)
	return list, diags
}

// stringList maps items to a list of strings, such as their ids.
func stringList[T any](items []T, value func(*T) string) (types.List, diag.Diagnostics) {
	values := make([]attr.Value, len(items))
	for i := range items {
		values[i] = types.StringValue(value(&items[i]))
	}
	return types.ListValue(types.StringType, values)
}

// setList sets a list data source's two results: the objects under name, and
// their ids under "ids".
func setList[T any](ctx context.Context, resp *datasource.ReadResponse, name string, elem types.ObjectType, items []T,
	attrs func(*T) map[string]attr.Value, id func(*T) string,
) {
	list, diags := objectList(elem, items, attrs)
	resp.Diagnostics.Append(diags...)
	ids, diags := stringList(items, id)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(name), list)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("ids"), ids)...)
}
