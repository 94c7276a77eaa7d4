package hygiene_test

import (
	"slices"
	"testing"

	"github.com/keycensus/terraform-provider-openai/internal/hygiene"
	"github.com/keycensus/terraform-provider-openai/internal/hygiene/corpus"
)

// TestCorpus runs the engine on every case of the corpus, as the provider
// function does: the keys as the module passes them, the settings with now.
func TestCorpus(t *testing.T) {
	cases, err := corpus.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			res, found := hygiene.Check(c.Keys(), c.SettingsWithNow())
			problems := found.All()
			if c.Errors != nil {
				if !slices.Equal(problems, c.Errors) {
					t.Fatalf("problems:\n%q\nwant:\n%q", problems, c.Errors)
				}
				return
			}
			if len(problems) > 0 {
				t.Fatalf("unexpected problems: %q", problems)
			}
			got := make([]map[string]any, len(res.Findings))
			for i, f := range res.Findings {
				got[i] = f.Fields()
			}
			for _, d := range c.DiffFindings(got, false) {
				t.Error(d)
			}
			for _, d := range c.DiffResult(res.Summary, res.ExpiredExceptions, res.UnmatchedExceptions) {
				t.Error(d)
			}
			if res.Passed != (len(res.Findings) == 0) {
				t.Errorf("passed = %v with %d findings", res.Passed, len(res.Findings))
			}
		})
	}
}
