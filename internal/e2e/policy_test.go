package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPolicyOnHandWrittenPlan runs the policy half of the end-to-end test on
// testdata/plan.json: a plan as `terraform show -json` writes it, whose
// findings output is what the spec makes of its inventory (keys in the root
// module and, listed again, two modules down; an active and a lapsed
// exception; max_admin_keys exceeded). It needs no terraform and no provider.
func TestPolicyOnHandWrittenPlan(t *testing.T) {
	opa := opaPath(t)
	plan, err := os.ReadFile(filepath.Join("testdata", "plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	findings := assertSameFindings(t, t.Context(), opa, plan)
	if len(findings) != 9 {
		t.Fatalf("%d findings, want the fixture's 9:\n%s", len(findings), strings.Join(findings, "\n"))
	}
}

// TestCompareFindingsShowsTheDifference makes sure a disagreement fails with
// a diff that names the side each finding is on.
func TestCompareFindingsShowsTheDifference(t *testing.T) {
	module, err := canonicalFindings(json.RawMessage(`[
		{"rule": "idle", "key_id": "key_a", "kind": "admin", "key_name": null, "project_id": null,
		 "project_name": null, "owner": "ci", "detail": "last used 2026-01-02, more than 90 days before 2026-11-28"},
		{"rule": "no_expiry", "key_id": "key_a", "kind": "admin", "key_name": null, "project_id": null,
		 "project_name": null, "owner": "ci", "detail": "admin key with no expiry date"}]`))
	if err != nil {
		t.Fatal(err)
	}
	policy, err := canonicalFindings(json.RawMessage(`[
		{"detail": "admin key with no expiry date", "rule": "no_expiry", "key_id": "key_a", "kind": "admin",
		 "key_name": null, "project_id": null, "project_name": null, "owner": "ci"},
		{"rule": "idle", "key_id": "key_a", "kind": "admin", "key_name": null, "project_id": null,
		 "project_name": null, "owner": "ci", "detail": "last used 2026-01-02, more than 91 days before 2026-11-28"}]`))
	if err != nil {
		t.Fatal(err)
	}
	diff := compareFindings(module, policy)
	for _, want := range []string{"- only in the module: ", "more than 90 days", "+ only in the policy: ", "more than 91 days"} {
		if !strings.Contains(diff, want) {
			t.Errorf("the diff lacks %q:\n%s", want, diff)
		}
	}
	if strings.Contains(diff, "no expiry") {
		t.Errorf("the diff lists a finding both sides share:\n%s", diff)
	}
	if same := compareFindings(module, module); same != "" {
		t.Errorf("equal findings differ:\n%s", same)
	}
}

// TestCanonicalFindingsRejectsOtherFields holds both sides to the spec's
// eight fields, no more and no fewer.
func TestCanonicalFindingsRejectsOtherFields(t *testing.T) {
	for name, raw := range map[string]string{
		"missing": `[{"rule": "idle", "key_id": "k", "kind": "admin", "key_name": null, "project_id": null, "project_name": null, "detail": "d"}]`,
		"extra":   `[{"rule": "idle", "key_id": "k", "kind": "admin", "key_name": null, "project_id": null, "project_name": null, "owner": null, "detail": "d", "at": 1}]`,
	} {
		if _, err := canonicalFindings(json.RawMessage(raw)); err == nil {
			t.Errorf("%s field: no error", name)
		}
	}
}
