package hygiene

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Settings are the rules' thresholds, which rules run, and the exceptions,
// at one instant.
type Settings struct {
	// Now is when the rules are evaluated; NowText is how it was given,
	// whose date the details print.
	Now     time.Time
	NowText string

	MaxIdleDays        int
	NeverUsedGraceDays int
	RotationDays       int
	ExpiryWarningDays  int
	// MaxAdminKeys is nil for no cap; MaxKeysPerOwner and MaxOrgOwners are
	// nil for their rules off.
	MaxAdminKeys, MaxKeysPerOwner, MaxOrgOwners *int
	// Rules are the rules evaluated; Enforce those whose findings block.
	Rules, Enforce map[string]bool
	Exceptions     map[string]Exception
	// Users are the organization's users, nil when not given: then neither
	// admin keys' owners nor the organization's owners are checked.
	Users   []User
	userIDs map[string]bool
}

// User is one user of the organization, as openai_users lists them.
type User struct {
	ID                string
	Name, Email, Role *string
}

// label names a user as findings do: email, else name, else id.
func (u User) label() string {
	for _, s := range []*string{u.Email, u.Name} {
		if s != nil && *s != "" {
			return *s
		}
	}
	return u.ID
}

// Exception accepts some findings of one key until an end.
type Exception struct {
	Rules  map[string]bool
	Reason string
	// Until is as given: a date, active through the end of that day in UTC,
	// or an RFC 3339 time, active while now is before it.
	Until string
	end   time.Time
}

// The settings' names: an interface, shared by the provider function's
// settings, the module's inputs and the policy's data document.
const (
	SettingNow                = "now"
	SettingMaxIdleDays        = "max_idle_days"
	SettingNeverUsedGraceDays = "never_used_grace_days"
	SettingRotationDays       = "rotation_days"
	SettingExpiryWarningDays  = "expiry_warning_days"
	SettingMaxAdminKeys       = "max_admin_keys"
	SettingMaxKeysPerOwner    = "max_keys_per_owner"
	SettingMaxOrgOwners       = "max_org_owners"
	SettingRules              = "rules"
	SettingEnforce            = "enforce"
	SettingExceptions         = "exceptions"
	SettingUsers              = "users"
)

// SettingNames are every setting, in the order problems are reported.
var SettingNames = []string{
	SettingNow, SettingMaxIdleDays, SettingNeverUsedGraceDays, SettingRotationDays, SettingExpiryWarningDays,
	SettingMaxAdminKeys, SettingMaxKeysPerOwner, SettingMaxOrgOwners, SettingRules, SettingEnforce, SettingExceptions,
	SettingUsers,
}

// daySettings are the thresholds in days, with their defaults.
var daySettings = []struct {
	name     string
	fallback int
	field    func(*Settings) *int
}{
	{SettingMaxIdleDays, 90, func(s *Settings) *int { return &s.MaxIdleDays }},
	{SettingNeverUsedGraceDays, 7, func(s *Settings) *int { return &s.NeverUsedGraceDays }},
	{SettingRotationDays, 365, func(s *Settings) *int { return &s.RotationDays }},
	{SettingExpiryWarningDays, 14, func(s *Settings) *int { return &s.ExpiryWarningDays }},
}

// MaxDays bounds every threshold in days: a hundred years.
const MaxDays = 36500

var dateOnly = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// ParseSettings reads settings from an object of setting names, any of
// which may be absent or null for its default, but now, which is required.
// Values are what Value describes. It returns every problem it finds, in the
// order of SettingNames, each naming the setting, the value given and what
// is accepted.
func ParseSettings(v any) (Settings, []string) {
	s := Settings{Rules: set(Rules), Enforce: map[string]bool{}, Exceptions: map[string]Exception{}}
	if v == nil {
		v = map[string]any{}
	}
	given, ok := v.(map[string]any)
	if !ok {
		return s, []string{fmt.Sprintf("settings = %s: must be an object of settings, such as { now = plantimestamp() }", Render(v))}
	}
	var problems []string
	bad := func(name string, v any, accepted string) {
		problems = append(problems, fmt.Sprintf("%s = %s: %s", name, Render(v), accepted))
	}
	for _, name := range sortedKeys(given) {
		if !slices.Contains(SettingNames, name) {
			problems = append(problems, fmt.Sprintf("%q is not a setting: the settings are %s", name, strings.Join(SettingNames, ", ")))
		}
	}

	if now := given[SettingNow]; now == nil {
		problems = append(problems, "now is required: pass plantimestamp(), or an RFC 3339 time such as \"2026-11-28T12:00:00Z\"")
	} else {
		text, ok := now.(string)
		t, err := parseTime(text)
		if !ok || err != nil {
			bad(SettingNow, now, `must be an RFC 3339 time such as "2026-11-28T12:00:00Z": pass plantimestamp()`)
		} else {
			s.Now, s.NowText = t, text
		}
	}

	for _, d := range daySettings {
		*d.field(&s) = d.fallback
		v := given[d.name]
		if v == nil {
			continue
		}
		n, ok := wholeNumber(v)
		if !ok || n < 0 || n > MaxDays {
			bad(d.name, v, fmt.Sprintf("must be a whole number of days from 0 to %d, such as %d", MaxDays, d.fallback))
			continue
		}
		*d.field(&s) = int(n)
	}

	for _, c := range []struct {
		name, accepted string
		field          **int
	}{
		{SettingMaxAdminKeys, "must be null (no cap) or a whole number from 0 up, such as 25", &s.MaxAdminKeys},
		{SettingMaxKeysPerOwner, "must be null (the rule is off) or a whole number from 0 up, such as 2", &s.MaxKeysPerOwner},
		{SettingMaxOrgOwners, "must be null (the rule is off) or a whole number from 0 up, such as 3", &s.MaxOrgOwners},
	} {
		v := given[c.name]
		if v == nil {
			continue
		}
		if n, ok := wholeNumber(v); ok && n >= 0 {
			m := int(n)
			*c.field = &m
		} else {
			bad(c.name, v, c.accepted)
		}
	}

	for _, name := range []string{SettingRules, SettingEnforce} {
		v := given[name]
		if v == nil {
			continue
		}
		names, errs := ruleNames(name, v, nil)
		problems = append(problems, errs...)
		if len(errs) == 0 {
			if name == SettingRules {
				s.Rules = names
			} else {
				s.Enforce = names
			}
		}
	}

	if v := given[SettingExceptions]; v != nil {
		exceptions, errs := parseExceptions(v)
		problems = append(problems, errs...)
		s.Exceptions = exceptions
	}

	if v := given[SettingUsers]; v != nil {
		users, errs := parseUsers(v)
		problems = append(problems, errs...)
		if len(errs) == 0 {
			s.Users, s.userIDs = users, make(map[string]bool, len(users))
			for _, u := range users {
				s.userIDs[u.ID] = true
			}
		}
	}
	return s, problems
}

// parseUsers reads the organization's users: a list of objects with an id
// and, optionally, name, email and role; other attributes are ignored, so
// data.openai_users.<name>.users fits as it is. A user listed twice counts
// once, the first listing winning.
func parseUsers(v any) ([]User, []string) {
	list, ok := v.([]any)
	if !ok {
		return nil, []string{fmt.Sprintf("users = %s: must be a list of users, such as data.openai_users.all.users, or null", Render(v))}
	}
	users := make([]User, 0, len(list))
	seen := make(map[string]bool, len(list))
	var problems []string
	for i, item := range list {
		obj, ok := item.(map[string]any)
		if !ok {
			problems = append(problems, fmt.Sprintf("users[%d] = %s: must be a user { id, name, email, role }", i, Render(item)))
			continue
		}
		id, ok := obj["id"].(string)
		if !ok || id == "" {
			problems = append(problems, fmt.Sprintf("users[%d].id = %s: every user needs its id, such as \"user-abc\"", i, Render(obj["id"])))
			continue
		}
		u := User{ID: id}
		for _, f := range []struct {
			attr  string
			field **string
		}{{"name", &u.Name}, {"email", &u.Email}, {"role", &u.Role}} {
			switch a := obj[f.attr].(type) {
			case nil:
			case string:
				*f.field = &a
			default:
				problems = append(problems, fmt.Sprintf("users[%d].%s = %s: must be a string or null", i, f.attr, Render(a)))
			}
		}
		if !seen[id] {
			seen[id] = true
			users = append(users, u)
		}
	}
	return users, problems
}

// ruleNames reads a list of rule names for the setting name; refused names
// may not be listed there, with why.
func ruleNames(name string, v any, refused map[string]string) (map[string]bool, []string) {
	list, ok := v.([]any)
	if !ok {
		return nil, []string{fmt.Sprintf("%s = %s: must be a list of rule names: %s", name, Render(v), strings.Join(Rules, ", "))}
	}
	names := map[string]bool{}
	var problems []string
	for _, item := range list {
		rule, ok := item.(string)
		switch {
		case !ok || !slices.Contains(Rules, rule):
			problems = append(problems, fmt.Sprintf("%s lists %s, which is not a rule: the rules are %s", name, Render(item), strings.Join(Rules, ", ")))
		case refused[rule] != "":
			problems = append(problems, fmt.Sprintf("%s lists %q, which %s", name, rule, refused[rule]))
		default:
			names[rule] = true
		}
	}
	return names, problems
}

// exceptionRefused are the rules no exception may list.
var exceptionRefused = func() map[string]string {
	m := map[string]string{}
	for rule, setting := range orgRules {
		m[rule] = "no exception can list: it concerns the organization, not one key; raise " + setting + " instead"
	}
	return m
}()

func parseExceptions(v any) (map[string]Exception, []string) {
	const shape = "must be a map of key ids to exceptions, each { rules, reason, until }"
	given, ok := v.(map[string]any)
	if !ok {
		return map[string]Exception{}, []string{fmt.Sprintf("exceptions = %s: %s", Render(v), shape)}
	}
	out := map[string]Exception{}
	var problems []string
	for _, id := range sortedKeys(given) {
		name := fmt.Sprintf("exceptions[%q]", id)
		obj, ok := given[id].(map[string]any)
		if !ok {
			problems = append(problems, fmt.Sprintf("%s = %s: must be an exception { rules, reason, until }", name, Render(given[id])))
			continue
		}
		var e Exception
		var errs []string
		if obj["rules"] == nil {
			errs = append(errs, fmt.Sprintf("%s.rules = null: must list the rules whose findings the exception accepts", name))
		} else {
			e.Rules, errs = ruleNames(name+".rules", obj["rules"], exceptionRefused)
		}
		if reason, ok := obj["reason"].(string); !ok || strings.TrimSpace(reason) == "" {
			errs = append(errs, fmt.Sprintf("%s.reason = %s: every exception needs a reason, so that the next reader knows why the finding is accepted",
				name, Render(obj["reason"])))
		} else {
			e.Reason = reason
		}
		until, ok := obj["until"].(string)
		end, err := exceptionEnd(until)
		if !ok || err != nil {
			errs = append(errs, fmt.Sprintf(`%s.until = %s: must be a date such as "2027-06-30" (active through the end of that day, UTC) `+
				`or an RFC 3339 time such as "2027-06-30T12:00:00Z"`, name, Render(obj["until"])))
		} else {
			e.Until, e.end = until, end
		}
		problems = append(problems, errs...)
		if len(errs) == 0 {
			out[id] = e
		}
	}
	return out, problems
}

// exceptionEnd is when an exception until lapses: the end of a date's day in
// UTC, or the instant of an RFC 3339 time.
func exceptionEnd(until string) (time.Time, error) {
	if dateOnly.MatchString(until) {
		d, err := time.Parse(time.DateOnly, until)
		if err == nil && !inRange(d) {
			err = errOutOfRange
		}
		return d.Add(day), err
	}
	return parseTime(until)
}

// The instants a time may name: those of a signed 64-bit count of
// nanoseconds since 1970, from 1677-09-21 to 2262-04-11, which is what the
// policy's OPA can compare. Beyond them, a time is refused in both.
var (
	minTime       = time.Unix(0, math.MinInt64)
	maxTime       = time.Unix(0, math.MaxInt64)
	errOutOfRange = errors.New("out of the range of 64-bit nanoseconds since 1970")
)

func inRange(t time.Time) bool { return !t.Before(minTime) && !t.After(maxTime) }

// parseTime parses an RFC 3339 time within the range the rules compare.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	if err == nil && !inRange(t) {
		err = errOutOfRange
	}
	return t, err
}

// excepted says whether an active exception accepts rule's finding of id.
func (s Settings) excepted(id, rule string) bool {
	e, ok := s.Exceptions[id]
	return ok && e.Rules[rule] && s.Now.Before(e.end)
}

func (s Settings) expiredExceptions() []string {
	ids := []string{}
	for _, id := range sortedKeys(s.Exceptions) {
		if !s.Now.Before(s.Exceptions[id].end) {
			ids = append(ids, id)
		}
	}
	return ids
}

func (s Settings) unmatchedExceptions(keys []Key) []string {
	listed := make(map[string]bool, len(keys))
	for i := range keys {
		listed[keys[i].ID] = true
	}
	ids := []string{}
	for _, id := range sortedKeys(s.Exceptions) {
		if !listed[id] {
			ids = append(ids, id)
		}
	}
	return ids
}

// today is the date of now as given: details print it.
func (s Settings) today() string { return date(s.NowText) }

// wholeNumber reads a whole number that fits an int.
func wholeNumber(v any) (int64, bool) {
	f, ok := number(v)
	if !ok || !f.IsInt() {
		return 0, false
	}
	n, acc := f.Int64()
	return n, acc == big.Exact && n <= 1<<40 && n >= -(1<<40)
}

func set(names []string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
