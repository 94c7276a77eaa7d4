package hygiene_test

import (
	"encoding/json"
	"math/big"
	"slices"
	"testing"

	"github.com/keycensus/terraform-provider-openai/internal/hygiene"
)

// Terraform hands the provider function numbers as *big.Float and sets as
// lists; the corpus's JSON gives json.Number. Both read the same.
func TestSettingsFromTerraformValues(t *testing.T) {
	s, problems := hygiene.ParseSettings(map[string]any{
		"now":            "2026-11-28T12:00:00Z",
		"max_idle_days":  big.NewFloat(30),
		"max_admin_keys": json.Number("2"),
		"rules":          []any{"idle", "too_many_admin_keys"},
	})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if s.MaxIdleDays != 30 || s.MaxAdminKeys == nil || *s.MaxAdminKeys != 2 || !s.Rules["idle"] || s.Rules["user_owned"] {
		t.Fatalf("settings %+v", s)
	}
	_, problems = hygiene.ParseSettings(map[string]any{"now": "2026-11-28T12:00:00Z", "max_idle_days": big.NewFloat(1.5)})
	if want := []string{"max_idle_days = 1.5: must be a whole number of days from 0 to 36500, such as 90"}; !slices.Equal(problems, want) {
		t.Fatalf("problems %q, want %q", problems, want)
	}
}

// An exception's attributes beyond rules, reason and until are ignored, as
// the module's input type drops them before the engine sees them.
func TestExceptionsIgnoreOtherAttributes(t *testing.T) {
	s, problems := hygiene.ParseSettings(map[string]any{
		"now": "2026-11-28T12:00:00Z",
		"exceptions": map[string]any{"key_a": map[string]any{
			"rules": []any{"idle"}, "reason": "Known.", "until": "2027-01-01", "ticket": "SEC-1",
		}},
	})
	if len(problems) > 0 || !s.Exceptions["key_a"].Rules["idle"] {
		t.Fatalf("problems %q, exceptions %+v", problems, s.Exceptions)
	}
}

// Problems quote values as JSON, as the policy's json.marshal does: no HTML
// escaping, numbers as written, keys sorted.
func TestRender(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{nil, "null"},
		{"a<b>&c", `"a<b>&c"`},
		{json.Number("36501"), "36501"},
		{big.NewFloat(0.5), "0.5"},
		{[]any{"idle", 3}, `["idle",3]`},
		{map[string]any{"b": 1, "a": true}, `{"a":true,"b":1}`},
	} {
		if got := hygiene.Render(tc.v); got != tc.want {
			t.Errorf("Render(%v) = %s, want %s", tc.v, got, tc.want)
		}
	}
}

// Nothing is evaluated while anything is wrong: the problems come settings
// first, then keys.
func TestCheckReportsSettingsThenKeys(t *testing.T) {
	res, found := hygiene.Check([]any{map[string]any{"id": "key_x"}}, map[string]any{"now": "yesterday"})
	problems := found.All()
	want := []string{
		`now = "yesterday": must be an RFC 3339 time such as "2026-11-28T12:00:00Z": pass plantimestamp()`,
		`key "key_x": created_at_rfc3339 = null: must be an RFC 3339 time such as "2026-01-02T03:04:05Z"`,
	}
	if !slices.Equal(problems, want) || res.Findings != nil {
		t.Fatalf("problems %q and %d findings, want %q and none", problems, len(res.Findings), want)
	}
}
