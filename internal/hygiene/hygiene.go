// Package hygiene holds the key-hygiene rules: the settings, their defaults
// and validation, the exceptions, and the findings. It is plain Go, with no
// Terraform and no HTTP, so that one implementation stands behind every gate:
// the provider function provider::openai::key_hygiene calls it, the
// key-hygiene module calls that function, and the Rego policy is held to the
// same answers by the case corpus in testdata/cases.
package hygiene

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// The rules, by name. The names are an interface: the module's check blocks,
// the policy and the docs use them too.
const (
	RuleArchivedProjectKey  = "archived_project_key"
	RuleExpired             = "expired"
	RuleExpiringSoon        = "expiring_soon"
	RuleIdle                = "idle"
	RuleNeverUsed           = "never_used"
	RuleNoExpiry            = "no_expiry"
	RuleOwnerWithoutAccess  = "owner_without_access"
	RuleServiceAccountOwner = "service_account_owner"
	RuleTooManyAdminKeys    = "too_many_admin_keys"
	RuleTooManyKeysPerOwner = "too_many_keys_per_owner"
	RuleTooManyOrgOwners    = "too_many_org_owners"
	RuleTooOld              = "too_old"
	RuleUserOwned           = "user_owned"
)

// Rules are every rule, in the order findings are sorted: by name.
var Rules = []string{
	RuleArchivedProjectKey, RuleExpired, RuleExpiringSoon, RuleIdle, RuleNeverUsed, RuleNoExpiry,
	RuleOwnerWithoutAccess, RuleServiceAccountOwner, RuleTooManyAdminKeys, RuleTooManyKeysPerOwner,
	RuleTooManyOrgOwners, RuleTooOld, RuleUserOwned,
}

// orgRules concern the organization, not one key: no exception can list
// them, and the setting to raise instead.
var orgRules = map[string]string{
	RuleTooManyAdminKeys: SettingMaxAdminKeys,
	RuleTooManyOrgOwners: SettingMaxOrgOwners,
}

// Kinds of key.
const (
	KindAdmin   = "admin"
	KindProject = "project"
)

// day is D(1): the rules count days of 86,400 seconds.
const day = 24 * time.Hour

// unknown stands in a detail for an owner or project the inventory does not
// name.
const unknown = "(unknown)"

// Finding is one rule that one key breaks, or, for an organization rule,
// that the organization breaks (KeyID nil).
type Finding struct {
	Rule  string
	KeyID *string
	// Kind is the key's kind; too_many_admin_keys is "admin", and
	// too_many_org_owners, which concerns users, has none.
	Kind        *string
	KeyName     *string
	ProjectID   *string
	ProjectName *string
	// Owner is the owner's email, else name, else id; nil when it has none.
	Owner  *string
	Detail string
}

// Result is what the rules find in an inventory.
type Result struct {
	// Findings after exceptions, sorted by rule, then key id.
	Findings []Finding
	// Summary counts the findings of every enabled rule, 0 included.
	Summary map[string]int
	// Passed says there are no findings.
	Passed bool
	// ExpiredExceptions are the sorted key ids whose exception has lapsed,
	// whether or not their key is in the inventory.
	ExpiredExceptions []string
	// UnmatchedExceptions are the sorted key ids of exceptions, lapsed or
	// not, that name no key of the inventory: a mistyped id, or a key
	// revoked since, whose exception now accepts nothing.
	UnmatchedExceptions []string
}

// Evaluate applies s to the keys. Keys listed more than once count once: a
// listing with kind "project" wins over any other listing of the same id,
// else the first listing does.
func Evaluate(keys []Key, s Settings) Result {
	keys = oneListingPerID(keys)
	found := map[string][]Finding{}
	for i := range keys {
		k := &keys[i]
		for _, r := range keyRules {
			if detail, ok := r.check(k, s); ok {
				found[r.name] = append(found[r.name], k.finding(r.name, detail))
			}
		}
	}
	if f, ok := tooManyAdminKeys(keys, s); ok {
		found[RuleTooManyAdminKeys] = []Finding{f}
	}
	if f, ok := tooManyOrgOwners(s); ok {
		found[RuleTooManyOrgOwners] = []Finding{f}
	}
	found[RuleTooManyKeysPerOwner] = tooManyKeysPerOwner(keys, s)

	res := Result{Summary: map[string]int{}}
	for _, rule := range Rules {
		if !s.Rules[rule] {
			continue
		}
		n := 0
		for _, f := range found[rule] {
			if f.KeyID != nil && s.excepted(*f.KeyID, rule) {
				continue
			}
			res.Findings = append(res.Findings, f)
			n++
		}
		res.Summary[rule] = n
	}
	// Findings arrive by rule; sort each rule's by key id.
	slices.SortStableFunc(res.Findings, func(a, b Finding) int {
		if c := strings.Compare(a.Rule, b.Rule); c != 0 {
			return c
		}
		return strings.Compare(deref(a.KeyID), deref(b.KeyID))
	})
	res.Passed = len(res.Findings) == 0
	res.ExpiredExceptions = s.expiredExceptions()
	res.UnmatchedExceptions = s.unmatchedExceptions(keys)
	return res
}

// keyRule is a rule about one key: check reports whether k breaks it, and
// why.
type keyRule struct {
	name  string
	check func(k *Key, s Settings) (detail string, ok bool)
}

// keyRules are the rules about one key. Every "more than N days" is strict:
// a key last used exactly 90 days before now is not idle.
var keyRules = []keyRule{
	{RuleArchivedProjectKey, func(k *Key, _ Settings) (string, bool) {
		if k.Kind != KindProject || deref(k.ProjectStatus) != "archived" {
			return "", false
		}
		return fmt.Sprintf("key of archived project %s", orUnknown(k.projectLabel())), true
	}},
	{RuleExpired, func(k *Key, s Settings) (string, bool) {
		if k.ExpiresAt == nil || !k.ExpiresAt.Before(s.Now) {
			return "", false
		}
		return fmt.Sprintf("expired %s, before %s", date(k.ExpiresAtText), s.today()), true
	}},
	{RuleExpiringSoon, func(k *Key, s Settings) (string, bool) {
		if k.ExpiresAt == nil || k.ExpiresAt.Before(s.Now) || k.ExpiresAt.After(s.Now.Add(days(s.ExpiryWarningDays))) {
			return "", false
		}
		return fmt.Sprintf("expires %s, within %d days of %s", date(k.ExpiresAtText), s.ExpiryWarningDays, s.today()), true
	}},
	{RuleIdle, func(k *Key, s Settings) (string, bool) {
		if k.LastUsedAt == nil || !k.LastUsedAt.Before(s.Now.Add(-days(s.MaxIdleDays))) {
			return "", false
		}
		return fmt.Sprintf("last used %s, more than %d days before %s", date(k.LastUsedAtText), s.MaxIdleDays, s.today()), true
	}},
	{RuleNeverUsed, func(k *Key, s Settings) (string, bool) {
		if k.LastUsedAt != nil || !k.CreatedAt.Before(s.Now.Add(-days(s.NeverUsedGraceDays))) {
			return "", false
		}
		return fmt.Sprintf("never used; created %s, more than %d days before %s", date(k.CreatedAtText), s.NeverUsedGraceDays, s.today()), true
	}},
	{RuleNoExpiry, func(k *Key, _ Settings) (string, bool) {
		return "admin key with no expiry date", k.Kind == KindAdmin && k.ExpiresAt == nil
	}},
	{RuleOwnerWithoutAccess, func(k *Key, s Settings) (string, bool) {
		switch {
		case k.Kind == KindProject && deref(k.OwnerProjectAccess) == "inactive":
			return fmt.Sprintf("owner %s no longer has access to project %s", orUnknown(k.Owner), orUnknown(k.projectLabel())), true
		case k.Kind == KindAdmin && s.Users != nil && deref(k.OwnerType) == "user" && k.OwnerID != nil && !s.userIDs[*k.OwnerID]:
			// Given the organization's users, an admin key's owner must be one.
			return fmt.Sprintf("owner %s is not a user of the organization", orUnknown(k.Owner)), true
		}
		return "", false
	}},
	{RuleServiceAccountOwner, func(k *Key, _ Settings) (string, bool) {
		if k.Kind != KindProject || deref(k.OwnerType) != "service_account" || deref(k.OwnerRole) != "owner" {
			return "", false
		}
		return fmt.Sprintf("owned by service account %s, which has the owner role in project %s", orUnknown(k.Owner), orUnknown(k.projectLabel())), true
	}},
	{RuleTooOld, func(k *Key, s Settings) (string, bool) {
		if !k.CreatedAt.Before(s.Now.Add(-days(s.RotationDays))) {
			return "", false
		}
		return fmt.Sprintf("created %s, more than %d days before %s", date(k.CreatedAtText), s.RotationDays, s.today()), true
	}},
	{RuleUserOwned, func(k *Key, _ Settings) (string, bool) {
		return fmt.Sprintf("owned by user %s", orUnknown(k.Owner)), deref(k.OwnerType) == "user"
	}},
}

// tooManyAdminKeys is the organization's one finding when it has more admin
// keys than max_admin_keys (strictly; no cap when it is null).
func tooManyAdminKeys(keys []Key, s Settings) (Finding, bool) {
	if s.MaxAdminKeys == nil {
		return Finding{}, false
	}
	n := 0
	for i := range keys {
		if keys[i].Kind == KindAdmin {
			n++
		}
	}
	if n <= *s.MaxAdminKeys {
		return Finding{}, false
	}
	kind := KindAdmin
	return Finding{
		Rule: RuleTooManyAdminKeys, Kind: &kind,
		Detail: fmt.Sprintf("%d admin keys, more than max_admin_keys = %d", n, *s.MaxAdminKeys),
	}, true
}

// tooManyKeysPerOwner is every key of an owner that holds more than
// max_keys_per_owner keys in one project, or, for admin keys, in the
// organization (strictly; off when it is null). Owners are told apart by id:
// a key without an owner id is nobody's to count.
func tooManyKeysPerOwner(keys []Key, s Settings) []Finding {
	if s.MaxKeysPerOwner == nil {
		return nil
	}
	type holder struct{ kind, project, owner string }
	held := map[holder][]*Key{}
	for i := range keys {
		k := &keys[i]
		if k.OwnerID == nil {
			continue
		}
		h := holder{kind: k.Kind, owner: *k.OwnerID}
		if k.Kind == KindProject {
			h.project = deref(k.ProjectID)
		}
		held[h] = append(held[h], k)
	}
	var out []Finding
	for h, ks := range held {
		if len(ks) <= *s.MaxKeysPerOwner {
			continue
		}
		for _, k := range ks {
			where := "admin keys"
			if h.kind == KindProject {
				where = "keys in project " + orUnknown(k.projectLabel())
			}
			out = append(out, k.finding(RuleTooManyKeysPerOwner, fmt.Sprintf("owner %s holds %d %s, more than max_keys_per_owner = %d",
				orUnknown(k.Owner), len(ks), where, *s.MaxKeysPerOwner)))
		}
	}
	return out
}

// tooManyOrgOwners is the organization's one finding when, given its users,
// more of them than max_org_owners have the owner role (strictly; off when
// it or the users are null). It names them, sorted.
func tooManyOrgOwners(s Settings) (Finding, bool) {
	if s.MaxOrgOwners == nil || s.Users == nil {
		return Finding{}, false
	}
	var owners []string
	for _, u := range s.Users {
		if deref(u.Role) == "owner" {
			owners = append(owners, u.label())
		}
	}
	if len(owners) <= *s.MaxOrgOwners {
		return Finding{}, false
	}
	slices.Sort(owners)
	return Finding{
		Rule: RuleTooManyOrgOwners,
		Detail: fmt.Sprintf("%d organization owners, more than max_org_owners = %d: %s",
			len(owners), *s.MaxOrgOwners, strings.Join(owners, ", ")),
	}, true
}

// oneListingPerID keeps one listing of each key id, where the id was first
// listed: the first listing with kind "project", else the first listing. The
// Admin API's admin key listing holds project keys too, labelled as admin
// keys; their project's listing knows their project and their owner's access.
func oneListingPerID(keys []Key) []Key {
	at := make(map[string]int, len(keys))
	out := keys[:0:0]
	for _, k := range keys {
		i, seen := at[k.ID]
		switch {
		case !seen:
			at[k.ID] = len(out)
			out = append(out, k)
		case k.Kind == KindProject && out[i].Kind != KindProject:
			out[i] = k
		}
	}
	return out
}

func days(n int) time.Duration { return time.Duration(n) * day }

// date is the date part of an RFC 3339 time as written: its first ten
// characters.
func date(rfc3339 string) string {
	if len(rfc3339) < 10 {
		return rfc3339
	}
	return rfc3339[:10]
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func orUnknown(s *string) string {
	if s == nil {
		return unknown
	}
	return *s
}

// Problems are what is wrong with the settings and with the keys, so that a
// caller can say which argument is wrong.
type Problems struct {
	Settings, Keys []string
}

// All is every problem, settings first, then keys; nil when there are none.
func (p Problems) All() []string {
	if len(p.Settings)+len(p.Keys) == 0 {
		return nil
	}
	return append(slices.Clone(p.Settings), p.Keys...)
}

// Check parses keys and settings as ParseKeys and ParseSettings do and, when
// both are valid, evaluates them.
func Check(keys, settings Value) (Result, Problems) {
	s, settingProblems := ParseSettings(settings)
	inventory, keyProblems := ParseKeys(keys)
	if problems := (Problems{Settings: settingProblems, Keys: keyProblems}); problems.All() != nil {
		return Result{}, problems
	}
	return Evaluate(inventory, s), Problems{}
}

// Fields is f as a map of its fields by their names in the module's output:
// rule, key_id, kind, key_name, project_id, project_name, owner, detail;
// nulls are nil.
func (f Finding) Fields() map[string]any {
	opt := func(s *string) any {
		if s == nil {
			return nil
		}
		return *s
	}
	return map[string]any{
		"rule": f.Rule, "key_id": opt(f.KeyID), "kind": opt(f.Kind), "key_name": opt(f.KeyName),
		"project_id": opt(f.ProjectID), "project_name": opt(f.ProjectName), "owner": opt(f.Owner), "detail": f.Detail,
	}
}
