package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keycensus/terraform-provider-openai/internal/hygiene"
)

var _ function.Function = keyHygieneFunction{}

// keyHygieneFunction is provider::openai::key_hygiene: the rules of
// internal/hygiene over a key inventory. It parses its arguments, runs the
// engine and converts the result; the rules live in the engine alone.
type keyHygieneFunction struct{}

func newKeyHygieneFunction() function.Function { return keyHygieneFunction{} }

// keyHygieneName is the function's name: provider::openai::key_hygiene.
const keyHygieneName = "key_hygiene"

func (keyHygieneFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = keyHygieneName
}

// findingType is one finding of the result.
var findingType = types.ObjectType{AttrTypes: map[string]attr.Type{
	"rule": types.StringType, "key_id": types.StringType, "kind": types.StringType, "key_name": types.StringType,
	"project_id": types.StringType, "project_name": types.StringType, "owner": types.StringType, "detail": types.StringType,
}}

var keyHygieneResultTypes = map[string]attr.Type{
	"findings":             types.ListType{ElemType: findingType},
	"summary":              types.MapType{ElemType: types.NumberType},
	"passed":               types.BoolType,
	"expired_exceptions":   types.ListType{ElemType: types.StringType},
	"unmatched_exceptions": types.ListType{ElemType: types.StringType},
}

func (keyHygieneFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "Check an inventory of OpenAI API keys against the key hygiene rules",
		MarkdownDescription: "Checks every key of an inventory against the key-hygiene rules (`" + strings.Join(hygiene.Rules, "`, `") +
			"`) at the time `settings.now`, and returns the findings. It is the engine of `modules/key-hygiene`, which calls it " +
			"once; call it directly for a gate of your own. It is pure: the same arguments give the same result, so pass " +
			"`now = plantimestamp()`, which is the same in plan and apply. Needs Terraform 1.8 or later, or OpenTofu 1.7 or later.\n\n" +
			"It returns an object with the module's outputs: `findings`, every finding after exceptions, sorted by rule, then key " +
			"id, each `{ rule, key_id, kind, key_name, project_id, project_name, owner, detail }` (`too_many_admin_keys` and " +
			"`too_many_org_owners` have one for the organization, with a null `key_id`; the latter's `kind` is null too); `summary`, the number of findings of every enabled rule; `passed`, true when there are none; " +
			"`expired_exceptions`, the sorted key ids whose exception has lapsed; and `unmatched_exceptions`, the sorted key ids of " +
			"exceptions that name no key of the inventory (a mistyped id, or a key revoked since), lapsed or not. `enforce` is checked but changes none of " +
			"them: blocking is the caller's, as the module's precondition does. The rules' boundaries are those of the module's " +
			"README: every \"more than N days\" is strict.",
		Parameters: []function.Parameter{
			function.DynamicParameter{
				Name: "keys",
				MarkdownDescription: "The inventory: `data.openai_api_keys.<name>.keys` as it is, or " +
					"`data.openai_admin_api_keys.<name>.keys` (a key without `kind` counts as an admin key), or any list of " +
					"objects with `id` and `created_at_rfc3339`; other attributes may be absent or null. Keys of " +
					"`openai_project_api_keys` need `kind = \"project\"` and `project_id` merged in. A key listed more than " +
					"once counts once: a listing with `kind = \"project\"` wins, else the first listing.",
			},
			function.DynamicParameter{
				Name: "settings",
				MarkdownDescription: "An object with any of the module's settings, each optional with the module's default: " +
					"`max_idle_days` (90), `never_used_grace_days` (7), `rotation_days` (365), `expiry_warning_days` (14), " +
					"`max_admin_keys` (null: no cap), `max_keys_per_owner` (null: off), `max_org_owners` (null: off), `rules` (all), " +
					"`enforce` (none), `exceptions` ({}), `users` (null: `data.openai_users.<name>.users`, which lets " +
					"`owner_without_access` check admin keys' owners and `too_many_org_owners` count owners); and `now`, " +
					"required, an RFC 3339 time: pass `plantimestamp()`. An unknown name or an invalid value is an error that names " +
					"the setting, the value and what is accepted.",
			},
		},
		Return: function.ObjectReturn{AttributeTypes: keyHygieneResultTypes},
	}
}

// Run serves the function through the framework's own server, which the
// provider's server (server.go) bypasses for speed: both run keyHygiene, and
// TestCallFunctionOnTheCorpus holds both to every corpus case.
func (keyHygieneFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var keys, settings types.Dynamic
	if resp.Error = req.Arguments.Get(ctx, &keys, &settings); resp.Error != nil {
		return
	}
	args := make([]any, 2)
	for i, v := range []types.Dynamic{keys, settings} {
		tf, err := v.ToTerraformValue(ctx)
		if err != nil {
			resp.Error = function.NewArgumentFuncError(int64(i), "the argument cannot be read: "+err.Error())
			return
		}
		if args[i], err = plainValue(tf); err != nil {
			resp.Error = function.NewArgumentFuncError(int64(i), keyHygieneParameters[i]+" "+err.Error())
			return
		}
	}
	result, problem := keyHygiene(args[0], args[1])
	if problem != nil {
		resp.Error = function.NewArgumentFuncError(problem.argument, problem.text)
		return
	}
	// The result is the msgpack CallFunction answers with, read back into the
	// framework's values.
	tf, err := (&tfprotov6.DynamicValue{MsgPack: result}).Unmarshal(resultTFType)
	if err != nil {
		resp.Error = resultBug(err)
		return
	}
	value, err := types.ObjectType{AttrTypes: keyHygieneResultTypes}.ValueFromTerraform(ctx, tf)
	if err != nil {
		resp.Error = resultBug(err)
		return
	}
	resp.Error = resp.Result.Set(ctx, value)
}

func resultBug(err error) *function.FuncError {
	return function.NewFuncError("The result cannot be built; this is a bug in the provider, please report it: " + err.Error())
}

// keyHygieneParameters are the function's parameters' names, by position.
var keyHygieneParameters = [2]string{"keys", "settings"}

// functionProblem is an error of one argument of the function.
type functionProblem struct {
	argument int64
	text     string
}

// keyHygiene runs the engine on the function's arguments, as plain values
// (hygiene.Value), and returns its result in msgpack, the form Terraform takes.
func keyHygiene(keys, settings any) ([]byte, *functionProblem) {
	res, problems := hygiene.Check(keys, settings)
	if all := problems.All(); all != nil {
		// The error points at settings when they are wrong, else at keys.
		argument := int64(0)
		if len(problems.Settings) > 0 {
			argument = 1
		}
		return nil, &functionProblem{argument, problemsText(all)}
	}
	return encodeResult(res), nil
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
func plainValue(v tftypes.Value) (any, error) {
	if !v.IsKnown() {
		return nil, errUnknown{}
	}
	if v.IsNull() {
		return nil, nil
	}
	switch t := v.Type(); {
	case t.Is(tftypes.String):
		var s string
		return s, v.As(&s)
	case t.Is(tftypes.Number):
		var n big.Float
		return &n, v.As(&n)
	case t.Is(tftypes.Bool):
		var b bool
		return b, v.As(&b)
	case t.Is(tftypes.List{}), t.Is(tftypes.Set{}), t.Is(tftypes.Tuple{}):
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return nil, err
		}
		out := make([]any, len(elems))
		for i, e := range elems {
			p, err := plainValue(e)
			if err != nil {
				return nil, err
			}
			out[i] = p
		}
		return out, nil
	case t.Is(tftypes.Object{}), t.Is(tftypes.Map{}):
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			return nil, err
		}
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
	return nil, fmt.Errorf("holds a %s, which the function cannot read; this is a bug in the provider, please report it", v.Type())
}

// resultTFType is the result's type, as tftypes.
var resultTFType = objectTypeOf(types.ObjectType{AttrTypes: keyHygieneResultTypes})

func objectTypeOf(t types.ObjectType) tftypes.Object {
	o, ok := t.TerraformType(context.Background()).(tftypes.Object)
	if !ok {
		panic("provider bug: an object type is not a tftypes.Object")
	}
	return o
}
