package provider

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/keycensus/terraform-provider-openai/internal/hygiene"
	"github.com/keycensus/terraform-provider-openai/internal/hygiene/corpus"
)

// The function reads its arguments and writes its result in msgpack by hand;
// terraform-plugin-go's tftypes is the reference it must match, both ways, on
// every corpus case and on the shapes Terraform sends that the corpus lacks.
func TestMsgPackMatchesTFTypes(t *testing.T) {
	cases, err := corpus.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			keys, settings := terraformValue(t, c.Keys()), terraformValue(t, c.SettingsWithNow())
			for _, v := range []tftypes.Value{keys, settings} {
				assertDecodesAsTFTypes(t, v)
			}
			res, problems := hygiene.Check(c.Keys(), c.SettingsWithNow())
			if problems.All() != nil {
				return
			}
			got, err := (&tfprotov6.DynamicValue{MsgPack: encodeResult(res)}).Unmarshal(resultTFType)
			if err != nil {
				t.Fatal(err)
			}
			if want := resultValue(res); !got.Equal(want) {
				t.Errorf("the result decodes as\n%s\nwant\n%s", got, want)
			}
		})
	}

	str, num := tftypes.String, tftypes.Number
	key := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"id": str, "created_at": num, "owner": tftypes.DynamicPseudoType}}
	bigNumber, _, _ := big.ParseFloat("123456789012345678901234567890.5", 10, 512, big.ToNearestEven)
	for name, v := range map[string]tftypes.Value{
		// A data source's keys: a list of objects, as the module's variable and
		// openai_api_keys give them, with a null of no type inside.
		"list of objects": tftypes.NewValue(tftypes.List{ElementType: key}, []tftypes.Value{
			tftypes.NewValue(key, map[string]tftypes.Value{
				"id": tftypes.NewValue(str, "key_a"), "created_at": tftypes.NewValue(num, big.NewFloat(1700000000)),
				"owner": tftypes.NewValue(tftypes.DynamicPseudoType, nil),
			}),
			tftypes.NewValue(key, nil),
		}),
		"set, map and bool": tftypes.NewValue(tftypes.Object{AttributeTypes: map[string]tftypes.Type{
			"rules": tftypes.Set{ElementType: str}, "exceptions": tftypes.Map{ElementType: str}, "on": tftypes.Bool,
		}}, map[string]tftypes.Value{
			"rules":      tftypes.NewValue(tftypes.Set{ElementType: str}, []tftypes.Value{tftypes.NewValue(str, "idle")}),
			"exceptions": tftypes.NewValue(tftypes.Map{ElementType: str}, map[string]tftypes.Value{"key_a": tftypes.NewValue(str, "x")}),
			"on":         tftypes.NewValue(tftypes.Bool, true),
		}),
		// Every way go-cty writes a number: small and large integers, negative
		// ones, floats, and text for what a float64 cannot hold.
		"numbers": tftypes.NewValue(tftypes.Tuple{ElementTypes: []tftypes.Type{num, num, num, num, num, num, num}}, []tftypes.Value{
			tftypes.NewValue(num, big.NewFloat(7)),
			tftypes.NewValue(num, new(big.Float).SetInt64(1<<60+1)), // as an unsigned integer, which no float64 holds
			tftypes.NewValue(num, big.NewFloat(-90000)),
			tftypes.NewValue(num, new(big.Float).SetUint64(math.MaxUint64)),
			tftypes.NewValue(num, big.NewFloat(0.1)),
			tftypes.NewValue(num, bigNumber),
			tftypes.NewValue(num, nil),
		}),
		"null": tftypes.NewValue(tftypes.DynamicPseudoType, nil),
	} {
		t.Run(name, func(t *testing.T) { assertDecodesAsTFTypes(t, v) })
	}

	t.Run("unknown", func(t *testing.T) {
		v := tftypes.NewValue(tftypes.List{ElementType: str}, []tftypes.Value{tftypes.NewValue(str, tftypes.UnknownValue)})
		dv, err := tfprotov6.NewDynamicValue(tftypes.DynamicPseudoType, v)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decodeArgument(dv.MsgPack); !errors.As(err, new(errUnknown)) {
			t.Errorf("got %v, want errUnknown", err)
		}
	})
}

// assertDecodesAsTFTypes checks that decodeArgument reads v, sent as
// Terraform sends a dynamic argument, to what plainValue makes of it.
func assertDecodesAsTFTypes(t *testing.T, v tftypes.Value) {
	t.Helper()
	dv, err := tfprotov6.NewDynamicValue(tftypes.DynamicPseudoType, v)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeArgument(dv.MsgPack)
	if err != nil {
		t.Fatal(err)
	}
	want, err := plainValue(v)
	if err != nil {
		t.Fatal(err)
	}
	if d := plainDiff(got, want); d != "" {
		t.Errorf("decodeArgument(%s): %s", v, d)
	}
}

// plainDiff says where two plain values differ, numbers compared by value.
func plainDiff(got, want any) string {
	switch w := want.(type) {
	case *big.Float:
		if g, ok := got.(*big.Float); !ok || g.Cmp(w) != 0 {
			return fmt.Sprintf("%v, want %s", got, w.Text('g', -1))
		}
		return ""
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%#v, want %#v", got, want)
		}
		for i := range w {
			if d := plainDiff(g[i], w[i]); d != "" {
				return fmt.Sprintf("[%d]: %s", i, d)
			}
		}
		return ""
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return fmt.Sprintf("%#v, want %#v", got, want)
		}
		for name := range w {
			if d := plainDiff(g[name], w[name]); d != "" {
				return fmt.Sprintf(".%s: %s", name, d)
			}
		}
		return ""
	}
	if got != want {
		return fmt.Sprintf("%#v, want %#v", got, want)
	}
	return ""
}

// resultValue is the function's result built with tftypes: the reference
// encodeResult must match.
func resultValue(res hygiene.Result) tftypes.Value {
	findingTFType := objectTypeOf(findingType)
	findings := make([]tftypes.Value, len(res.Findings))
	for i, f := range res.Findings {
		findings[i] = tftypes.NewValue(findingTFType, map[string]tftypes.Value{
			"rule": stringValue(f.Rule), "key_id": nullableString(f.KeyID), "kind": nullableString(f.Kind),
			"key_name": nullableString(f.KeyName), "project_id": nullableString(f.ProjectID),
			"project_name": nullableString(f.ProjectName), "owner": nullableString(f.Owner), "detail": stringValue(f.Detail),
		})
	}
	summary := make(map[string]tftypes.Value, len(res.Summary))
	for rule, n := range res.Summary {
		summary[rule] = int64Value(int64(n))
	}
	strings := func(ss []string) tftypes.Value {
		values := make([]tftypes.Value, len(ss))
		for i, s := range ss {
			values[i] = stringValue(s)
		}
		return tftypes.NewValue(tftypes.List{ElementType: tftypes.String}, values)
	}
	return tftypes.NewValue(resultTFType, map[string]tftypes.Value{
		"findings":             tftypes.NewValue(tftypes.List{ElementType: findingTFType}, findings),
		"summary":              tftypes.NewValue(tftypes.Map{ElementType: tftypes.Number}, summary),
		"passed":               tftypes.NewValue(tftypes.Bool, res.Passed),
		"expired_exceptions":   strings(res.ExpiredExceptions),
		"unmatched_exceptions": strings(res.UnmatchedExceptions),
	})
}

// FuzzDecodeArgument holds decodeArgument to tftypes on any bytes: never a
// panic, and whatever tftypes reads as a dynamic value, decodeArgument reads
// to the same plain values.
func FuzzDecodeArgument(f *testing.F) {
	cases, err := corpus.Load()
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range cases[:min(len(cases), 20)] {
		for _, v := range []any{c.Keys(), c.SettingsWithNow()} {
			dv, err := tfprotov6.NewDynamicValue(tftypes.DynamicPseudoType, terraformValue(f, v))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(dv.MsgPack)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, gotErr := decodeArgument(b)
		v, err := (&tfprotov6.DynamicValue{MsgPack: b}).Unmarshal(tftypes.DynamicPseudoType)
		if err != nil {
			return
		}
		want, err := plainValue(v)
		if err != nil {
			return
		}
		if gotErr != nil {
			t.Fatalf("tftypes reads %x as %s; decodeArgument fails: %v", b, v, gotErr)
		}
		if d := plainDiff(got, want); d != "" {
			t.Fatalf("decodeArgument(%x): %s", b, d)
		}
	})
}
