package provider

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// State is built as tftypes values, the form the framework sends Terraform,
// in one pass. Tagged structs cost reflection per element, and attr.Values a
// second conversion plus a state transform per SetAttribute: for 10,000 keys
// that was most of a plan's time (see BENCHMARKS.md).

// nullableString keeps the API's null: nil is null, never "".
func nullableString(v *string) tftypes.Value {
	if v == nil {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, *v)
}

func stringValue(s string) tftypes.Value {
	return tftypes.NewValue(tftypes.String, s)
}

func int64Value(n int64) tftypes.Value {
	return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(n))
}

// nullableInt64 keeps the API's null: nil is null, never 0.
func nullableInt64(v *int64) tftypes.Value {
	if v == nil {
		return tftypes.NewValue(tftypes.Number, nil)
	}
	return int64Value(*v)
}

// rfc3339 renders Unix seconds in UTC, the form Terraform's timecmp and
// timeadd take.
func rfc3339(unix int64) tftypes.Value {
	return stringValue(time.Unix(unix, 0).UTC().Format(time.RFC3339))
}

func nullableRFC3339(unix *int64) tftypes.Value {
	if unix == nil {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return rfc3339(*unix)
}

// objectType returns the Terraform type of a nested schema's objects.
// Schemas are fixed, so a mismatch is a provider bug that every test finds
// at start-up.
func objectType(attributes map[string]schema.Attribute) tftypes.Object {
	t, ok := schema.NestedAttributeObject{Attributes: attributes}.Type().TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		panic("provider bug: a nested schema is not an object type")
	}
	return t
}

// responseCap is terraform-plugin-go's cap on one gRPC response.
const responseCap = 256 << 20

// defaultMaxListItems bounds one list data source. Past responseCap,
// Terraform would fail with a transport error, so the provider stops earlier
// with a diagnostic that says what to do. TestListLimitFitsTheResponseCap
// measures how many admin keys fit (about 560,000 with long names) and
// checks the headroom, and that the README says the same.
const defaultMaxListItems = 400_000

// listLimitNote documents defaultMaxListItems in the list data sources.
var listLimitNote = fmt.Sprintf("A list longer than %s items fails with a diagnostic rather than a transport error: "+
	"Terraform caps a provider response at %d MiB.", thousands(defaultMaxListItems), responseCap>>20)

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// listState is how a list data source's results go into state: the objects
// under attr, their ids under "ids", beside the data source's arguments.
type listState[T any] struct {
	attr   string // the list attribute, such as "keys"
	noun   string // what the items are, for messages, such as "admin API keys"
	elem   tftypes.Object
	values func(*T) map[string]tftypes.Value
	id     func(*T) string
}

// list maps items to a list value and their ids to another. Neither is ever
// null: no items give empty lists.
func (l listState[T]) list(items []T) (tftypes.Value, tftypes.Value) {
	objects := make([]tftypes.Value, len(items))
	ids := make([]tftypes.Value, len(items))
	for i := range items {
		objects[i] = tftypes.NewValue(l.elem, l.values(&items[i]))
		ids[i] = stringValue(l.id(&items[i]))
	}
	return tftypes.NewValue(tftypes.List{ElementType: l.elem}, objects),
		tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, ids)
}

// set writes the whole state: the data source's arguments as configured,
// defaults for those left null, and the items. More than limit items is an
// error diagnostic.
func (l listState[T]) set(ctx context.Context, resp *datasource.ReadResponse, config tfsdk.Config, defaults map[string]tftypes.Value, items []T, limit int) {
	if len(items) > limit {
		resp.Diagnostics.AddError(fmt.Sprintf("Too Many %s for One Data Source", titleCase(l.noun)),
			fmt.Sprintf("The API listed %d %s, more than the %d one data source can return: Terraform caps a provider "+
				"response at %d MiB, and a larger list would fail with a transport error instead. Revoke the %s "+
				"nobody uses, or read the ones you need one by one by id.", len(items), l.noun, limit, responseCap>>20, l.noun))
		return
	}
	computed := make(map[string]tftypes.Value, 2)
	computed[l.attr], computed["ids"] = l.list(items)
	setState(ctx, resp, config, defaults, computed)
}

// setState writes the whole state: the configuration's values (arguments and
// blocks, such as timeouts, as given), defaults for the arguments left null,
// and the computed values. A state that does not fit the schema is a
// provider bug, reported as an error diagnostic that names it.
func setState(ctx context.Context, resp *datasource.ReadResponse, config tfsdk.Config, defaults, computed map[string]tftypes.Value) {
	var values map[string]tftypes.Value
	if err := config.Raw.As(&values); err != nil {
		resp.Diagnostics.AddError("Provider Bug: Unreadable Configuration",
			"provider bug: the data source's configuration cannot be read as an object: "+err.Error()+". Please report it.")
		return
	}
	for name, v := range defaults {
		if current, ok := values[name]; !ok || current.IsNull() {
			values[name] = v
		}
	}
	for name, v := range computed {
		values[name] = v
	}
	typ := resp.State.Schema.Type().TerraformType(ctx)
	if err := tftypes.ValidateValue(typ, values); err != nil {
		resp.Diagnostics.AddError("Provider Bug: State Does Not Fit the Schema",
			"provider bug: the data source's state does not fit its schema: "+err.Error()+". Please report it.")
		return
	}
	resp.State.Raw = tftypes.NewValue(typ, values)
}

// titleCase capitalizes each word, keeping acronyms such as "API".
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}
