package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/keycensus/terraform-provider-openai/internal/hygiene"
)

var _ function.Function = keyHygieneFunction{}

// keyHygieneFunction is provider::openai::key_hygiene: the rules of
// internal/hygiene over a key inventory. It parses its arguments, runs the
// engine and converts the result; the rules live in the engine alone.
type keyHygieneFunction struct{}

func newKeyHygieneFunction() function.Function { return keyHygieneFunction{} }

func (keyHygieneFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "key_hygiene"
}

// findingType is one finding of the result.
var findingType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"rule": types.StringType, "key_id": types.StringType, "kind": types.StringType, "key_name": types.StringType,
	"project_id": types.StringType, "project_name": types.StringType, "owner": types.StringType, "detail": types.StringType,
}}

var keyHygieneResultTypes = map[string]attr.Type{
	"findings":           types.ListType{ElemType: findingType},
	"summary":            types.MapType{ElemType: types.NumberType},
	"passed":             types.BoolType,
	"expired_exceptions": types.ListType{ElemType: types.StringType},
}

func (keyHygieneFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Check an inventory of OpenAI API keys against the key hygiene rules",
		MarkdownDescription: "Checks every key of an inventory against the key-hygiene rules (`" + strings.Join(hygiene.Rules, "`, `") +
			"`) at the time `settings.now`, and returns the findings. It is the engine of `modules/key-hygiene`, which calls it " +
			"once; call it directly for a gate of your own. It is pure: the same arguments give the same result, so pass " +
			"`now = plantimestamp()`, which is the same in plan and apply. Needs Terraform 1.8 or later, or OpenTofu 1.7 or later.\n\n" +
			"It returns an object with the module's outputs: `findings`, every finding after exceptions, sorted by rule, then key " +
			"id, each `{ rule, key_id, kind, key_name, project_id, project_name, owner, detail }` (`too_many_admin_keys` has one " +
			"with a null `key_id`); `summary`, the number of findings of every enabled rule; `passed`, true when there are none; " +
			"and `expired_exceptions`, the sorted key ids whose exception has lapsed. `enforce` is checked but changes none of " +
			"them: blocking is the caller's, as the module's precondition does. The rules' boundaries are those of the module's " +
			"README: every \"more than N days\" is strict.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "keys",
				MarkdownDescription: "The inventory: `data.openai_api_keys.<name>.keys` as it is, or " +
					"`data.openai_admin_api_keys.<name>.keys` (a key without `kind` counts as an admin key), or any list of " +
					"objects with `id` and `created_at_rfc3339`; other attributes may be absent or null. Keys of " +
					"`openai_project_api_keys` need `kind = \"project\"` and `project_id` merged in. A key listed more than " +
					"once counts once: the first listing wins.",
			},
			function.DynamicParameter{
				Name: "settings",
				MarkdownDescription: "An object with any of the module's settings, each optional with the module's default: " +
					"`max_idle_days` (90), `never_used_grace_days` (7), `rotation_days` (365), `expiry_warning_days` (14), " +
					"`max_admin_keys` (null: no cap), `rules` (all), `enforce` (none), `exceptions` ({}); and `now`, required, " +
					"an RFC 3339 time: pass `plantimestamp()`. An unknown name or an invalid value is an error that names " +
					"the setting, the value and what is accepted.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: keyHygieneResultTypes},
	}
}

func (keyHygieneFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var keys, settings types.Dynamic
	resp.Error = req.Arguments.Get(ctx, &keys, &settings)
	if resp.Error != nil {
		return
	}
	keyValues, err := plainValue(keys)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, "keys "+err.Error())
		return
	}
	settingValues, err := plainValue(settings)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(1, "settings "+err.Error())
		return
	}
	s, settingsProblems := hygiene.ParseSettings(settingValues)
	inventory, keyProblems := hygiene.ParseKeys(keyValues)
	if problems := append(settingsProblems, keyProblems...); len(problems) > 0 {
		// The error points at settings when they are wrong, else at keys.
		argument := int64(0)
		if len(settingsProblems) > 0 {
			argument = 1
		}
		resp.Error = function.NewArgumentFuncError(argument, problemsText(problems))
		return
	}
	resp.Error = resp.Result.Set(ctx, resultValue(hygiene.Evaluate(inventory, s)))
}

// problemsText is the function's error: the one problem, or each on a line.
func problemsText(problems []string) string {
	if len(problems) == 1 {
		return problems[0]
	}
	return fmt.Sprintf("%d problems:\n- %s", len(problems), strings.Join(problems, "\n- "))
}

// errUnknown says an argument holds a value known only at apply.
type errUnknown struct{}

func (errUnknown) Error() string {
	return "holds a value that is not known until apply; the function needs every value known"
}

// plainValue converts a Terraform value into the plain values the engine
// reads (hygiene.Value).
func plainValue(v attr.Value) (any, error) {
	if v == nil || v.IsNull() {
		return nil, nil
	}
	if v.IsUnknown() {
		return nil, errUnknown{}
	}
	list := func(elems []attr.Value) (any, error) {
		out := make([]any, len(elems))
		for i, e := range elems {
			p, err := plainValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	}
	object := func(attrs map[string]attr.Value) (any, error) {
		out := make(map[string]any, len(attrs))
		for name, e := range attrs {
			p, err := plainValue(e)
			if err != nil {
				return nil, err
			}
			out[name] = p
		}
		return out, nil
	}
	switch x := v.(type) {
	case basetypes.DynamicValue:
		return plainValue(x.UnderlyingValue())
	case basetypes.StringValue:
		return x.ValueString(), nil
	case basetypes.BoolValue:
		return x.ValueBool(), nil
	case basetypes.NumberValue:
		return x.ValueBigFloat(), nil
	case basetypes.ListValue:
		return list(x.Elements())
	case basetypes.SetValue:
		return list(x.Elements())
	case basetypes.TupleValue:
		return list(x.Elements())
	case basetypes.ObjectValue:
		return object(x.Attributes())
	case basetypes.MapValue:
		return object(x.Elements())
	}
	return nil, fmt.Errorf("holds a %T, which the function cannot read; this is a bug in the provider, please report it", v)
}

// resultValue is the function's result.
func resultValue(res hygiene.Result) attr.Value {
	str := func(s *string) attr.Value {
		if s == nil {
			return types.StringNull()
		}
		return types.StringValue(*s)
	}
	findings := make([]attr.Value, len(res.Findings))
	for i, f := range res.Findings {
		findings[i] = types.ObjectValueMust(findingType.AttrTypes, map[string]attr.Value{
			"rule": types.StringValue(f.Rule), "key_id": str(f.KeyID), "kind": types.StringValue(f.Kind),
			"key_name": str(f.KeyName), "project_id": str(f.ProjectID), "project_name": str(f.ProjectName),
			"owner": str(f.Owner), "detail": types.StringValue(f.Detail),
		})
	}
	summary := make(map[string]attr.Value, len(res.Summary))
	for rule, n := range res.Summary {
		summary[rule] = types.NumberValue(new(big.Float).SetInt64(int64(n)))
	}
	expired := make([]attr.Value, len(res.ExpiredExceptions))
	for i, id := range res.ExpiredExceptions {
		expired[i] = types.StringValue(id)
	}
	return types.ObjectValueMust(keyHygieneResultTypes, map[string]attr.Value{
		"findings":           types.ListValueMust(findingType, findings),
		"summary":            types.MapValueMust(types.NumberType, summary),
		"passed":             types.BoolValue(res.Passed),
		"expired_exceptions": types.ListValueMust(types.StringType, expired),
	})
}
