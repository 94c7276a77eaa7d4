package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math/big"
	"slices"

	"github.com/keycensus/terraform-provider-openai/internal/hygiene"
	"github.com/vmihailenco/msgpack/v5"
	"github.com/vmihailenco/msgpack/v5/msgpcode"
)

// The function's arguments and result in the msgpack form Terraform sends and
// takes, read and written directly: going through tftypes.Value costs most of
// a call at 10,000 keys (an allocation per value and an attribute path per
// attribute), and the floor benchmark holds the function's share of a plan to
// a tenth ("The compliance gates at 10,000 keys" in BENCHMARKS.md). The
// encoding is go-cty's, as terraform-plugin-go reads and writes it;
// TestMsgPackMatchesTFTypes holds both directions to tftypes on the corpus.

// decodeArgument reads an argument of a dynamic parameter into the plain values
// the engine reads (hygiene.Value): a two-element array, the value's type as
// JSON and then the value.
func decodeArgument(b []byte) (any, error) {
	r := bytes.NewReader(b)
	return decodeValue(&decoder{msgpack.NewDecoder(r), r}, dynamicType)
}

// decoder reads msgpack from r, whose unread length bounds what a length
// read from the input may allocate: every element takes at least a byte.
type decoder struct {
	*msgpack.Decoder
	r *bytes.Reader
}

func (d *decoder) capacity(n int) int { return max(min(n, d.r.Len()), 0) }

// valueType is a Terraform type, parsed from its JSON form.
type valueType struct {
	kind  string                // "string", "number", "bool", "dynamic", "list", "set", "map", "tuple" or "object"
	elem  *valueType            // of a list, set or map
	elems []*valueType          // of a tuple
	attrs map[string]*valueType // of an object
}

var dynamicType = &valueType{kind: "dynamic"}

func decodeValue(dec *decoder, t *valueType) (any, error) {
	code, err := dec.PeekCode()
	if err != nil {
		return nil, err
	}
	if msgpcode.IsExt(code) {
		// go-cty writes unknown values as extensions.
		return nil, errUnknown{}
	}
	if t.kind == "dynamic" {
		if code == msgpcode.Nil {
			return nil, dec.Skip()
		}
		n, err := dec.DecodeArrayLen()
		if err != nil {
			return nil, err
		}
		if n != 2 {
			return nil, fmt.Errorf("a value of a dynamic type is not a [type, value] pair: %d elements", n)
		}
		typeJSON, err := dec.DecodeBytes()
		if err != nil {
			return nil, err
		}
		var raw any
		if err := json.Unmarshal(typeJSON, &raw); err != nil {
			return nil, fmt.Errorf("the type %q: %w", typeJSON, err)
		}
		if t, err = parseType(raw); err != nil {
			return nil, err
		}
		return decodeValue(dec, t)
	}
	if code == msgpcode.Nil {
		return nil, dec.Skip()
	}
	switch t.kind {
	case "string":
		return dec.DecodeString()
	case "bool":
		return dec.DecodeBool()
	case "number":
		return decodeNumber(dec, code)
	case "list", "set", "tuple":
		n, err := dec.DecodeArrayLen()
		if err != nil {
			return nil, err
		}
		if t.kind == "tuple" && n != len(t.elems) {
			return nil, fmt.Errorf("a tuple of %d elements has %d", len(t.elems), n)
		}
		out := make([]any, 0, dec.capacity(n))
		for i := range max(n, 0) {
			et := t.elem
			if t.kind == "tuple" {
				et = t.elems[i]
			}
			e, err := decodeValue(dec, et)
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
		return out, nil
	case "map", "object":
		n, err := dec.DecodeMapLen()
		if err != nil {
			return nil, err
		}
		out := make(map[string]any, dec.capacity(n))
		for range max(n, 0) {
			name, err := dec.DecodeString()
			if err != nil {
				return nil, err
			}
			et := t.elem
			if t.kind == "object" {
				if et = t.attrs[name]; et == nil {
					return nil, fmt.Errorf("an object has attribute %q, which its type lacks", name)
				}
			}
			if out[name], err = decodeValue(dec, et); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("holds a %s, which the function cannot read; this is a bug in the provider, please report it", t.kind)
}

// decodeNumber reads a number as go-cty writes it: an integer, a float, or
// its decimal text when neither holds it exactly.
func decodeNumber(dec *decoder, code byte) (*big.Float, error) {
	switch {
	case msgpcode.IsFixedNum(code), code == msgpcode.Int8, code == msgpcode.Int16, code == msgpcode.Int32, code == msgpcode.Int64:
		n, err := dec.DecodeInt64()
		return new(big.Float).SetInt64(n), err
	case code == msgpcode.Uint8, code == msgpcode.Uint16, code == msgpcode.Uint32, code == msgpcode.Uint64:
		n, err := dec.DecodeUint64()
		return new(big.Float).SetUint64(n), err
	case code == msgpcode.Float, code == msgpcode.Double:
		n, err := dec.DecodeFloat64()
		return big.NewFloat(n), err
	}
	s, err := dec.DecodeString()
	if err != nil {
		return nil, err
	}
	// go-cty's precision and rounding for numbers given as text.
	n, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	return n, err
}

// parseType reads a type's JSON form: "string", "number", "bool", "dynamic",
// ["list"|"set"|"map", T], ["tuple", [T...]] or ["object", {name: T}].
func parseType(raw any) (*valueType, error) {
	switch r := raw.(type) {
	case string:
		switch r {
		case "string", "number", "bool", "dynamic":
			return &valueType{kind: r}, nil
		}
	case []any:
		if len(r) < 2 {
			break
		}
		kind, _ := r[0].(string)
		switch kind {
		case "list", "set", "map":
			elem, err := parseType(r[1])
			return &valueType{kind: kind, elem: elem}, err
		case "tuple":
			raws, ok := r[1].([]any)
			if !ok {
				break
			}
			t := &valueType{kind: kind, elems: make([]*valueType, len(raws))}
			for i, e := range raws {
				var err error
				if t.elems[i], err = parseType(e); err != nil {
					return nil, err
				}
			}
			return t, nil
		case "object":
			raws, ok := r[1].(map[string]any)
			if !ok {
				break
			}
			t := &valueType{kind: kind, attrs: make(map[string]*valueType, len(raws))}
			for name, e := range raws {
				var err error
				if t.attrs[name], err = parseType(e); err != nil {
					return nil, err
				}
			}
			return t, nil
		}
	}
	return nil, fmt.Errorf("the type %v is not one Terraform sends", raw)
}

// encodeResult writes the function's result for its return type,
// resultTFType: an object is a map of every attribute, in name order. The
// encoder's errors are its writer's, and a bytes.Buffer's writes never fail.
func encodeResult(res hygiene.Result) []byte {
	var b bytes.Buffer
	enc := msgpack.NewEncoder(&b)
	str := func(s string) { _ = enc.EncodeString(s) }
	nullable := func(s *string) {
		if s == nil {
			_ = enc.EncodeNil()
			return
		}
		str(*s)
	}
	strings := func(ss []string) {
		_ = enc.EncodeArrayLen(len(ss))
		for _, s := range ss {
			str(s)
		}
	}
	_ = enc.EncodeMapLen(5)
	str("expired_exceptions")
	strings(res.ExpiredExceptions)
	str("findings")
	_ = enc.EncodeArrayLen(len(res.Findings))
	for _, f := range res.Findings {
		_ = enc.EncodeMapLen(8)
		str("detail")
		str(f.Detail)
		str("key_id")
		nullable(f.KeyID)
		str("key_name")
		nullable(f.KeyName)
		str("kind")
		nullable(f.Kind)
		str("owner")
		nullable(f.Owner)
		str("project_id")
		nullable(f.ProjectID)
		str("project_name")
		nullable(f.ProjectName)
		str("rule")
		str(f.Rule)
	}
	str("passed")
	_ = enc.EncodeBool(res.Passed)
	str("summary")
	_ = enc.EncodeMapLen(len(res.Summary))
	for _, rule := range slices.Sorted(maps.Keys(res.Summary)) {
		str(rule)
		_ = enc.EncodeInt(int64(res.Summary[rule]))
	}
	str("unmatched_exceptions")
	strings(res.UnmatchedExceptions)
	return b.Bytes()
}
