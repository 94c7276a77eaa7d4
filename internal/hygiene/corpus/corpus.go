// Package corpus reads the key-hygiene case corpus, internal/hygiene/testdata/cases:
// one set of cases that the engine, the key-hygiene module and the Rego
// policy must all pass. Each file holds {"hygiene_cases": {name: case}}, so
// that OPA, which merges the JSON files it loads, sees every case under
// data.hygiene_cases and refuses a name given twice.
package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
)

// Case is one inventory, settings and time, with what every gate must find.
type Case struct {
	Name        string `json:"-"`
	Description string `json:"description"`
	// Now is when the rules run, an RFC 3339 time as plantimestamp() gives.
	Now string `json:"now"`
	// Settings uses the settings' names, which are the module's inputs'.
	Settings map[string]any `json:"settings"`
	// Sources are the inventory, as the data sources list it, in order.
	Sources []Source `json:"sources"`

	// Findings are what the rules find, in order (by rule, then key id);
	// each names only the fields the case checks, rule, key_id and detail at
	// least. Errors, when set, are the problems expected instead: every
	// one, in order.
	Findings []map[string]any `json:"findings"`
	Errors   []string         `json:"errors"`
	// Summary, ExpiredExceptions and UnmatchedExceptions, when set, are
	// checked too.
	Summary             map[string]int `json:"summary"`
	ExpiredExceptions   []string       `json:"expired_exceptions"`
	UnmatchedExceptions []string       `json:"unmatched_exceptions"`

	// NotFor names the runners that cannot give the case at all, with why.
	NotFor map[string]string `json:"not_for"`
}

// Source is the keys of one data source, or the users of openai_users.
type Source struct {
	// Type is openai_api_keys, openai_admin_api_keys, openai_project_api_keys
	// or openai_users.
	Type string `json:"type"`
	// ProjectID is the project of an openai_project_api_keys source.
	ProjectID string `json:"project_id"`
	Keys      []any  `json:"keys"`
	Users     []any  `json:"users"`
}

// UsersSource is the type of a source of users.
const UsersSource = "openai_users"

// Users is the users of the case's openai_users sources, in order, as the
// module's users input takes them; nil when it has none.
func (c *Case) Users() []any {
	var users []any
	for _, s := range c.Sources {
		if s.Type == UsersSource {
			users = append(users, s.Users...)
			if users == nil {
				users = []any{}
			}
		}
	}
	return users
}

// Keys is the inventory as the module and the provider function take it: the
// sources' keys in order, a project source's with kind = "project" and its
// project_id merged in, as the module's README shows.
func (c *Case) Keys() []any {
	var keys []any
	for _, s := range c.Sources {
		for _, k := range s.Keys {
			if s.Type == "openai_project_api_keys" {
				obj, ok := k.(map[string]any)
				if ok {
					merged := make(map[string]any, len(obj)+2)
					for name, v := range obj {
						merged[name] = v
					}
					merged["kind"], merged["project_id"] = "project", s.ProjectID
					k = merged
				}
			}
			keys = append(keys, k)
		}
	}
	if keys == nil {
		keys = []any{}
	}
	return keys
}

// SettingsWithNow is the settings with now added, and the users of the
// openai_users sources when the settings give none, as the function takes
// them.
func (c *Case) SettingsWithNow() map[string]any {
	s := make(map[string]any, len(c.Settings)+2)
	for name, v := range c.Settings {
		s[name] = v
	}
	s["now"] = c.Now
	if users := c.Users(); users != nil && s["users"] == nil {
		s["users"] = users
	}
	return s
}

// Dir is the corpus's directory.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata", "cases")
}

// Load reads every case, sorted by name. Numbers stay json.Number, so that
// 1.5 and 90 reach the rules as written.
func Load() ([]Case, error) {
	files, err := filepath.Glob(filepath.Join(Dir(), "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no case files in %s", Dir())
	}
	var cases []Case
	seen := map[string]string{}
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		dec.DisallowUnknownFields()
		var doc struct {
			Cases map[string]Case `json:"hygiene_cases"`
		}
		if err := dec.Decode(&doc); err != nil {
			return nil, fmt.Errorf("%s: %w", filepath.Base(file), err)
		}
		for name, c := range doc.Cases {
			if other, dup := seen[name]; dup {
				return nil, fmt.Errorf("the case %q is in %s and %s", name, other, filepath.Base(file))
			}
			seen[name] = filepath.Base(file)
			if (c.Errors == nil) == (c.Findings == nil) {
				return nil, fmt.Errorf("%s: the case %q must give either findings or errors", filepath.Base(file), name)
			}
			c.Name = name
			cases = append(cases, c)
		}
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].Name < cases[j].Name })
	return cases, nil
}

// DiffFindings compares findings a runner got, as maps of their fields, with
// the case's, field by field for the fields each expected finding names; in
// order unless unordered. It returns what differs, or nothing.
func (c *Case) DiffFindings(got []map[string]any, unordered bool) []string {
	key := func(f map[string]any) string { return fmt.Sprint(f["rule"], "\x00", f["key_id"]) }
	want := c.Findings
	if unordered {
		want, got = sortedBy(want, key), sortedBy(got, key)
	}
	var diffs []string
	if len(got) != len(want) {
		diffs = append(diffs, fmt.Sprintf("%d findings, want %d", len(got), len(want)))
	}
	for i := range min(len(got), len(want)) {
		names := make([]string, 0, len(want[i]))
		for name := range want[i] {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if w, g := want[i][name], got[i][name]; w != g {
				diffs = append(diffs, fmt.Sprintf("finding %d (%s): %s = %v, want %v", i+1, key(want[i]), name, show(g), show(w)))
			}
		}
	}
	if len(diffs) > 0 {
		for i, g := range got {
			diffs = append(diffs, fmt.Sprintf("  got %d: %v %v %q", i+1, g["rule"], show(g["key_id"]), g["detail"]))
		}
	}
	return diffs
}

// DiffResult compares the rest of a runner's result with the case's, for
// what the case sets: the summary, and the expired and unmatched exceptions.
// It returns what differs, or nothing.
func (c *Case) DiffResult(summary map[string]int, expired, unmatched []string) []string {
	var diffs []string
	if c.Summary != nil && !maps.Equal(summary, c.Summary) {
		diffs = append(diffs, fmt.Sprintf("summary %v, want %v", summary, c.Summary))
	}
	if c.ExpiredExceptions != nil && !slices.Equal(expired, c.ExpiredExceptions) {
		diffs = append(diffs, fmt.Sprintf("expired_exceptions %q, want %q", expired, c.ExpiredExceptions))
	}
	if c.UnmatchedExceptions != nil && !slices.Equal(unmatched, c.UnmatchedExceptions) {
		diffs = append(diffs, fmt.Sprintf("unmatched_exceptions %q, want %q", unmatched, c.UnmatchedExceptions))
	}
	return diffs
}

func sortedBy(fs []map[string]any, key func(map[string]any) string) []map[string]any {
	out := append([]map[string]any(nil), fs...)
	sort.SliceStable(out, func(i, j int) bool { return key(out[i]) < key(out[j]) })
	return out
}

func show(v any) any {
	if v == nil {
		return "null"
	}
	return v
}
