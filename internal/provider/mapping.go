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

// misfit marks the string value nestedObject builds in place of an object
// that does not fit its type.
const misfit = "\x00misfit: "

// nestedObject builds an object value, or, when vals do not fit t, a string
// value that says why: checkObject then reports it under the attribute's
// name, where tftypes.NewValue would panic.
func nestedObject(t tftypes.Object, vals map[string]tftypes.Value) tftypes.Value {
	v, err := newObject(t, vals)
	if err != nil {
		return tftypes.NewValue(tftypes.String, misfit+err.Error())
	}
	return v
}

// newObject is tftypes.NewValue for an object, which validates vals against
// t and panics when they do not fit; newObject returns the error instead,
// naming the attribute. Validating once, inside NewValue, keeps the mapping
// of 100,000 keys as cheap as it was.
func newObject(t tftypes.Object, vals map[string]tftypes.Value) (v tftypes.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			if err = checkObject(t, vals); err == nil {
				err = fmt.Errorf("%v", r)
			}
		}
	}()
	return tftypes.NewValue(t, vals), nil
}

// checkObject says how vals do not fit t, naming the attribute: one missing,
// one the type does not have, or a value of another type.
func checkObject(t tftypes.Object, vals map[string]tftypes.Value) error {
	for name, want := range t.AttributeTypes {
		v, ok := vals[name]
		if !ok {
			return fmt.Errorf("attribute %q is missing", name)
		}
		if got := v.Type(); !got.Equal(want) {
			var s string
			if got.Is(tftypes.String) && v.As(&s) == nil && strings.HasPrefix(s, misfit) {
				return fmt.Errorf("attribute %q: %s", name, strings.TrimPrefix(s, misfit))
			}
			return fmt.Errorf("attribute %q is a %s, not a %s", name, got, want)
		}
	}
	for name := range vals {
		if _, ok := t.AttributeTypes[name]; !ok {
			return fmt.Errorf("attribute %q is not in the schema", name)
		}
	}
	return nil
}

// listState is how a list data source's results go into state: the objects
// under attr, their ids under "ids", beside the data source's arguments.
type listState[T any] struct {
	name   string // the data source, such as "openai_api_keys"
	attr   string // the list attribute, such as "keys"
	noun   string // what the items are, for messages, such as "admin API keys"
	elem   tftypes.Object
	values func(*T) map[string]tftypes.Value
	id     func(*T) string
}

// list maps items to a list value and their ids to another. Neither is ever
// null: no items give empty lists. An item whose values do not fit the
// schema is a provider bug, returned as an error that names the attribute.
func (l listState[T]) list(items []T) (tftypes.Value, tftypes.Value, error) {
	objects := make([]tftypes.Value, len(items))
	ids := make([]tftypes.Value, len(items))
	for i := range items {
		object, err := newObject(l.elem, l.values(&items[i]))
		if err != nil {
			return tftypes.Value{}, tftypes.Value{}, fmt.Errorf("%s[%d] (id %q): %w", l.attr, i, l.id(&items[i]), err)
		}
		objects[i] = object
		ids[i] = stringValue(l.id(&items[i]))
	}
	return tftypes.NewValue(tftypes.List{ElementType: l.elem}, objects),
		tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, ids), nil
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
	objects, ids, err := l.list(items)
	if err != nil {
		resp.Diagnostics.AddError("Provider Bug: State Does Not Fit the Schema",
			fmt.Sprintf("provider bug: the state of %s does not fit its schema: %s. Please report it.", l.name, err))
		return
	}
	setState(ctx, resp, l.name, config, defaults, map[string]tftypes.Value{l.attr: objects, "ids": ids})
}

// setState writes the whole state: the configuration's values (arguments and
// blocks, such as timeouts, as given), defaults for the arguments left null,
// and the computed values. A state that does not fit the schema is a
// provider bug, reported as an error diagnostic that names it.
func setState(ctx context.Context, resp *datasource.ReadResponse, name string, config tfsdk.Config, defaults, computed map[string]tftypes.Value) {
	var values map[string]tftypes.Value
	if err := config.Raw.As(&values); err != nil {
		resp.Diagnostics.AddError("Provider Bug: Unreadable Configuration",
			fmt.Sprintf("provider bug: the configuration of %s cannot be read as an object: %s. Please report it.", name, err))
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
	typ, ok := resp.State.Schema.Type().TerraformType(ctx).(tftypes.Object)
	if !ok {
		resp.Diagnostics.AddError("Provider Bug: State Does Not Fit the Schema",
			fmt.Sprintf("provider bug: the schema of %s is not an object. Please report it.", name))
		return
	}
	state, err := newObject(typ, values)
	if err != nil {
		resp.Diagnostics.AddError("Provider Bug: State Does Not Fit the Schema",
			fmt.Sprintf("provider bug: the state of %s does not fit its schema: %s. Please report it.", name, err))
		return
	}
	resp.State.Raw = state
}

// titleCase capitalizes each word, keeping acronyms such as "API".
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}
