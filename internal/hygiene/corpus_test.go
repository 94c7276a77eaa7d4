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
			if c.Summary != nil && !equalCounts(res.Summary, c.Summary) {
				t.Errorf("summary %v, want %v", res.Summary, c.Summary)
			}
			if c.ExpiredExceptions != nil && !slices.Equal(res.ExpiredExceptions, c.ExpiredExceptions) {
				t.Errorf("expired exceptions %q, want %q", res.ExpiredExceptions, c.ExpiredExceptions)
			}
			if c.UnmatchedExceptions != nil && !slices.Equal(res.UnmatchedExceptions, c.UnmatchedExceptions) {
				t.Errorf("unmatched exceptions %q, want %q", res.UnmatchedExceptions, c.UnmatchedExceptions)
			}
			if res.Passed != (len(res.Findings) == 0) {
				t.Errorf("passed = %v with %d findings", res.Passed, len(res.Findings))
			}
		})
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if n, ok := b[k]; !ok || n != v {
			return false
		}
	}
	return true
}
