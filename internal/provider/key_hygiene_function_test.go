package provider

import (
	"context"
	"encoding/json"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/keycensus/terraform-provider-openai/internal/hygiene/corpus"
	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

// The function's cases are the corpus's, run through the module by
// internal/e2e; these show it called directly, as users would, on each key
// data source, and its errors.

const hygieneNow = `"2026-11-28T12:00:00Z"`

// functionKeys are an admin key owned by a user, never used and without an
// expiry date, and one in order, at hygieneNow.
func functionKeys(f *accFixture) {
	ada, ci := "Ada Lovelace", "terraform-ci"
	expires, used := int64(1798675200), int64(1795780800) // 2027-01-01, 2026-11-27
	f.srv.SetAdminKeys([]openaitest.AdminKey{
		{ID: "key_ada", Name: &ada, RedactedValue: "sk-admin...a1Lv", CreatedAt: 1767225600, // 2026-01-01
			Owner: openaitest.Owner{Type: "user", ID: "user_1", Name: &ada, Role: "owner", CreatedAt: 1700000000}},
		{ID: "key_ci", Name: &ci, RedactedValue: "sk-admin...k3Qz", CreatedAt: 1767225600, ExpiresAt: &expires, LastUsedAt: &used,
			Owner: openaitest.Owner{Type: "service_account", ID: "sa_1", Name: &ci, Role: "owner", CreatedAt: 1700000000}},
	})
}

// findingCheck is a finding of Ada's admin key, key_ada, named after her.
func findingCheck(rule, detail string) knownvalue.Check {
	return knownvalue.ObjectExact(map[string]knownvalue.Check{
		"rule": knownvalue.StringExact(rule), "key_id": knownvalue.StringExact("key_ada"), "kind": knownvalue.StringExact("admin"),
		"key_name": knownvalue.StringExact("Ada Lovelace"), "project_id": knownvalue.Null(), "project_name": knownvalue.Null(),
		"owner": knownvalue.StringExact("Ada Lovelace"), "detail": knownvalue.StringExact(detail),
	})
}

func TestAccKeyHygieneFunction(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	functionKeys(f)
	// Grace owns the organization; Ada, whose key it is, has left.
	grace, email, owner := "Grace Hopper", "grace@example.com", "owner"
	f.srv.SetUsers([]openaitest.User{{ID: "user_2", Name: &grace, Email: &email, Role: &owner, AddedAt: 1700000000}})
	ada := []knownvalue.Check{
		findingCheck("never_used", "never used; created 2026-01-01, more than 7 days before 2026-11-28"),
		findingCheck("no_expiry", "admin key with no expiry date"),
		findingCheck("user_owned", "owned by user Ada Lovelace"),
	}
	summary := func(extra map[string]int64) knownvalue.Check {
		counts := map[string]int64{"archived_project_key": 0, "expired": 0, "expiring_soon": 0, "idle": 0, "never_used": 1, "no_expiry": 1,
			"owner_without_access": 0, "service_account_owner": 0, "too_many_admin_keys": 0, "too_many_keys_per_owner": 0,
			"too_many_org_owners": 0, "too_old": 0, "user_owned": 1}
		checks := map[string]knownvalue.Check{}
		for rule, n := range counts {
			if m, ok := extra[rule]; ok {
				n = m
			}
			checks[rule] = knownvalue.Int64Exact(n)
		}
		return knownvalue.MapExact(checks)
	}
	resource.ParallelTest(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: f.config(`
data "openai_api_keys" "all" {}
data "openai_admin_api_keys" "all" {}

output "inventory" {
  value = provider::openai::key_hygiene(data.openai_api_keys.all.keys, { now = ` + hygieneNow + ` })
}

# The admin keys' own shape, without kind, and a cap.
output "admin_keys" {
  value = provider::openai::key_hygiene(data.openai_admin_api_keys.all.keys, {
    now            = ` + hygieneNow + `
    max_admin_keys = 1
    exceptions = {
      key_ada = { rules = ["user_owned"], reason = "Ada's key until the CI account takes over.", until = "2026-11-01" }
    }
  })
}

# The users as openai_users lists them.
data "openai_users" "all" {}

output "users" {
  value = provider::openai::key_hygiene(data.openai_api_keys.all.keys, {
    now            = ` + hygieneNow + `
    rules          = ["owner_without_access", "too_many_org_owners"]
    max_org_owners = 0
    users          = data.openai_users.all.users
  }).findings
}`),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownOutputValue("inventory", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"findings":             knownvalue.ListExact(ada),
					"summary":              summary(nil),
					"passed":               knownvalue.Bool(false),
					"expired_exceptions":   knownvalue.ListExact([]knownvalue.Check{}),
					"unmatched_exceptions": knownvalue.ListExact([]knownvalue.Check{}),
				})),
				statecheck.ExpectKnownOutputValue("admin_keys", knownvalue.ObjectExact(map[string]knownvalue.Check{
					"findings": knownvalue.ListExact(append(append([]knownvalue.Check{}, ada[:2]...),
						knownvalue.ObjectExact(map[string]knownvalue.Check{
							"rule": knownvalue.StringExact("too_many_admin_keys"), "key_id": knownvalue.Null(), "kind": knownvalue.StringExact("admin"),
							"key_name": knownvalue.Null(), "project_id": knownvalue.Null(), "project_name": knownvalue.Null(),
							"owner": knownvalue.Null(), "detail": knownvalue.StringExact("2 admin keys, more than max_admin_keys = 1"),
						}),
						ada[2])),
					"summary":              summary(map[string]int64{"too_many_admin_keys": 1}),
					"passed":               knownvalue.Bool(false),
					"expired_exceptions":   knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("key_ada")}),
					"unmatched_exceptions": knownvalue.ListExact([]knownvalue.Check{}),
				})),
				statecheck.ExpectKnownOutputValue("users", knownvalue.ListExact([]knownvalue.Check{
					findingCheck("owner_without_access", "owner Ada Lovelace is not a user of the organization"),
					knownvalue.ObjectExact(map[string]knownvalue.Check{
						"rule": knownvalue.StringExact("too_many_org_owners"), "key_id": knownvalue.Null(), "kind": knownvalue.Null(),
						"key_name": knownvalue.Null(), "project_id": knownvalue.Null(), "project_name": knownvalue.Null(),
						"owner": knownvalue.Null(), "detail": knownvalue.StringExact("1 organization owners, more than max_org_owners = 0: grace@example.com"),
					}),
				})),
			},
		}},
	})
}

// A wrong call is a function error that says which argument, what is wrong
// and what is accepted.
func TestAccKeyHygieneFunctionErrors(t *testing.T) {
	for _, tc := range []struct {
		name, keys, settings string
		want                 []string
	}{
		{"no now", "[]", "{}", []string{`Invalid value for "settings" parameter`, "now is required: pass plantimestamp()"}},
		{"an unknown setting", "[]", "{ now = " + hygieneNow + ", max_idle_day = 90 }",
			[]string{`"max_idle_day" is not a setting: the settings are now, max_idle_days`}},
		{"an invalid value", "[]", "{ now = " + hygieneNow + ", max_idle_days = -1 }",
			[]string{"max_idle_days = -1: must be a whole number of days from 0 to 36500, such as 90"}},
		{"two problems", "[]", `{ now = "yesterday", rules = ["idel"] }`,
			[]string{"2 problems:", `now = "yesterday": must be an RFC 3339 time`, `rules lists "idel", which is not a rule`}},
		{"keys that are no list", `"key_a"`, "{ now = " + hygieneNow + " }",
			[]string{`Invalid value for "keys" parameter`, `keys = "key_a": must be a list of keys`}},
		{"a key without an id", `[{ created_at_rfc3339 = "2026-01-01T00:00:00Z" }]`, "{ now = " + hygieneNow + " }",
			[]string{"a key has no id (id = null): every key needs one"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newAccFixture(t, openaitest.Options{})
			resource.ParallelTest(t, resource.TestCase{
				TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
				ProtoV6ProviderFactories: f.factories(),
				Steps: []resource.TestStep{{
					Config:      f.config(`output "hygiene" { value = provider::openai::key_hygiene(` + tc.keys + `, ` + tc.settings + `) }`),
					ExpectError: detail(tc.want...),
				}},
			})
		})
	}
}

// The function needs no provider configuration, no admin key and no API: a
// module that only calls it, such as modules/key-hygiene under terraform
// test, runs without either.
func TestAccKeyHygieneFunctionWithoutConfiguration(t *testing.T) {
	f := newAccFixture(t, openaitest.Options{})
	t.Setenv(envAdminKey, "")
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		ProtoV6ProviderFactories: f.factories(),
		Steps: []resource.TestStep{{
			Config: `
output "passed" {
  value = provider::openai::key_hygiene([], { now = ` + hygieneNow + ` }).passed
}`,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("passed", knownvalue.Bool(true))},
		}},
	})
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("the function sent %d requests", n)
	}
}

// Every corpus case through CallFunction, in process, as Terraform calls the
// function: the provider's server, which runs the raw-value core, and the
// framework's own server, which reaches keyHygieneFunction.Run, give the
// case's findings, summary and exceptions, or an error with each of its
// problems, on the argument the problems are about.
func TestCallFunctionOnTheCorpus(t *testing.T) {
	cases, err := corpus.Load()
	if err != nil {
		t.Fatal(err)
	}
	servers := map[string]func() (tfprotov6.ProviderServer, error){
		"provider server":  NewServer("test"),
		"framework server": providerserver.NewProtocol6WithError(&openaiProvider{version: "test"}),
	}
	for name, newServer := range servers {
		server, err := newServer()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			t.Run(name+"/"+c.Name, func(t *testing.T) {
				args := make([]*tfprotov6.DynamicValue, 2)
				for i, v := range []any{c.Keys(), c.SettingsWithNow()} {
					dv, err := tfprotov6.NewDynamicValue(tftypes.DynamicPseudoType, terraformValue(t, v))
					if err != nil {
						t.Fatal(err)
					}
					args[i] = &dv
				}
				resp, err := server.CallFunction(context.Background(), &tfprotov6.CallFunctionRequest{Name: keyHygieneName, Arguments: args})
				if err != nil {
					t.Fatal(err)
				}
				if c.Errors != nil {
					if resp.Error == nil {
						t.Fatalf("no error; want %q", c.Errors)
					}
					for _, want := range c.Errors {
						if !strings.Contains(resp.Error.Text, want) {
							t.Errorf("the error %q does not say %q", resp.Error.Text, want)
						}
					}
					return
				}
				if resp.Error != nil {
					t.Fatalf("error on argument %v: %s", resp.Error.FunctionArgument, resp.Error.Text)
				}
				got := decodeResult(t, resp.Result)
				for _, d := range c.DiffFindings(got.Findings, false) {
					t.Error(d)
				}
				for _, d := range c.DiffResult(got.Summary, got.ExpiredExceptions, got.UnmatchedExceptions) {
					t.Error(d)
				}
			})
		}
	}
}

// functionResult is the function's result, decoded.
type functionResult struct {
	Findings                               []map[string]any
	Summary                                map[string]int
	ExpiredExceptions, UnmatchedExceptions []string
}

func decodeResult(t *testing.T, dv *tfprotov6.DynamicValue) functionResult {
	t.Helper()
	v, err := dv.Unmarshal(resultTFType)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := plainValue(v)
	if err != nil {
		t.Fatal(err)
	}
	obj := plain.(map[string]any)
	var out functionResult
	for _, f := range obj["findings"].([]any) {
		finding := f.(map[string]any)
		out.Findings = append(out.Findings, finding)
	}
	if out.Findings == nil {
		out.Findings = []map[string]any{}
	}
	out.Summary = map[string]int{}
	for rule, n := range obj["summary"].(map[string]any) {
		i, _ := n.(*big.Float).Int64()
		out.Summary[rule] = int(i)
	}
	strs := func(v any) []string {
		out := []string{}
		for _, s := range v.([]any) {
			out = append(out, s.(string))
		}
		return out
	}
	out.ExpiredExceptions, out.UnmatchedExceptions = strs(obj["expired_exceptions"]), strs(obj["unmatched_exceptions"])
	return out
}

// terraformValue is a corpus value as Terraform sends it in a dynamic
// argument: objects, tuples, numbers, strings, bools and nulls.
func terraformValue(t testing.TB, v any) tftypes.Value {
	t.Helper()
	switch x := v.(type) {
	case nil:
		return tftypes.NewValue(tftypes.DynamicPseudoType, nil)
	case string:
		return tftypes.NewValue(tftypes.String, x)
	case bool:
		return tftypes.NewValue(tftypes.Bool, x)
	case json.Number:
		f, _, err := big.ParseFloat(string(x), 10, 512, big.ToNearestEven)
		if err != nil {
			t.Fatal(err)
		}
		return tftypes.NewValue(tftypes.Number, f)
	case []any:
		types := make([]tftypes.Type, len(x))
		values := make([]tftypes.Value, len(x))
		for i, e := range x {
			values[i] = terraformValue(t, e)
			types[i] = values[i].Type()
		}
		return tftypes.NewValue(tftypes.Tuple{ElementTypes: types}, values)
	case map[string]any:
		types := make(map[string]tftypes.Type, len(x))
		values := make(map[string]tftypes.Value, len(x))
		for name, e := range x {
			values[name] = terraformValue(t, e)
			types[name] = values[name].Type()
		}
		return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, values)
	}
	t.Fatalf("a corpus value of type %T", v)
	return tftypes.Value{}
}

// The provider's server serves every method the framework's server does, so
// no feature of the framework is hidden behind its CallFunction: Terraform
// finds the optional ones (list resources, actions, state stores) by type
// assertion.
func TestFunctionServerHidesNothing(t *testing.T) {
	framework, err := providerserver.NewProtocol6WithError(&openaiProvider{})()
	if err != nil {
		t.Fatal(err)
	}
	ours, err := NewServer("test")()
	if err != nil {
		t.Fatal(err)
	}
	frameworkType, ourType := reflect.TypeOf(framework), reflect.TypeOf(ours)
	for i := range frameworkType.NumMethod() {
		m := frameworkType.Method(i)
		if !m.IsExported() {
			continue
		}
		if _, ok := ourType.MethodByName(m.Name); !ok {
			t.Errorf("the framework's server has %s, which the provider's server hides: add its interface to frameworkServer", m.Name)
		}
	}
	for _, iface := range []any{
		(*tfprotov6.ListResourceServer)(nil),
		(*tfprotov6.ActionServer)(nil),
		(*tfprotov6.StateStoreServer)(nil),
	} {
		want := reflect.TypeOf(iface).Elem()
		if frameworkType.Implements(want) && !ourType.Implements(want) {
			t.Errorf("the provider's server does not implement %s", want)
		}
	}
}
