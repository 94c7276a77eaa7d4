package hygiene

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strings"
)

// Value is how ParseKeys and ParseSettings take their input, the shape both
// a decoded Terraform value and decoded JSON have: nil (null), bool, string,
// a number (*big.Float, json.Number, float64 or int), []any (a list, set or
// tuple) and map[string]any (an object or map).
type Value = any

// number reads any of Value's number forms.
func number(v any) (*big.Float, bool) {
	switch n := v.(type) {
	case *big.Float:
		return n, n != nil
	case json.Number:
		f, _, err := big.ParseFloat(n.String(), 10, 256, big.ToNearestEven)
		return f, err == nil
	case float64:
		return big.NewFloat(n), true
	case int:
		return new(big.Float).SetInt64(int64(n)), true
	}
	return nil, false
}

// Render writes a value as problems quote it: as JSON, numbers in their
// shortest exact form, keys sorted, nothing escaped for HTML. The policy
// renders with json.marshal, to the same text.
func Render(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(jsonable(v)); err != nil {
		return "(unprintable)"
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// jsonable turns Value's number forms into json.Number, recursively.
func jsonable(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonable(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = jsonable(e)
		}
		return out
	}
	if f, ok := number(v); ok {
		if f.IsInt() {
			return json.Number(f.Text('f', 0))
		}
		return json.Number(f.Text('g', -1))
	}
	return v
}
