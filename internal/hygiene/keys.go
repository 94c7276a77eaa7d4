package hygiene

import (
	"fmt"
	"time"
)

// Key is one key of the inventory, with the fields the rules read.
type Key struct {
	// Kind is KindAdmin or KindProject; a key without one counts as admin.
	Kind string
	ID   string
	Name *string
	// The times, and the text they were read from: details print the
	// text's date, as written.
	CreatedAt                     time.Time
	CreatedAtText                 string
	LastUsedAt, ExpiresAt         *time.Time
	LastUsedAtText, ExpiresAtText string
	ProjectID, ProjectName        *string
	ProjectStatus                 *string
	OwnerProjectAccess            *string
	OwnerType                     *string
	OwnerID, OwnerRole            *string
	// Owner is the owner's email, else name, else id: the first that is
	// neither null nor empty.
	Owner *string
}

// ParseKeys reads an inventory: a list of objects in the shape of the keys
// of openai_api_keys, openai_admin_api_keys, or openai_project_api_keys with
// kind = "project" and project_id merged in. Attributes it lacks are null,
// and attributes it has beyond those the rules read are ignored. Values are
// what Value describes. It returns every problem it finds, each naming the
// key, the attribute, the value and what is accepted.
func ParseKeys(v any) ([]Key, []string) {
	if v == nil {
		return nil, []string{`keys is null: pass a list of keys, such as data.openai_api_keys.<name>.keys`}
	}
	list, ok := v.([]any)
	if !ok {
		return nil, []string{fmt.Sprintf("keys = %s: must be a list of keys, such as data.openai_api_keys.<name>.keys", Render(v))}
	}
	keys := make([]Key, 0, len(list))
	var problems []string
	for _, raw := range list {
		k, errs := parseKey(raw)
		problems = append(problems, errs...)
		if len(errs) == 0 {
			keys = append(keys, k)
		}
	}
	return keys, problems
}

func parseKey(raw any) (Key, []string) {
	obj, ok := raw.(map[string]any)
	if !ok {
		return Key{}, []string{fmt.Sprintf("a key = %s: every key must be an object with an id, such as an element of data.openai_api_keys.<name>.keys", Render(raw))}
	}
	id, ok := obj["id"].(string)
	if !ok || id == "" {
		return Key{}, []string{fmt.Sprintf("a key has no id (id = %s): every key needs one; pass the keys of an openai_api_keys, "+
			"openai_admin_api_keys or openai_project_api_keys data source", Render(obj["id"]))}
	}
	var problems []string
	bad := func(attr string, v any, accepted string) {
		problems = append(problems, fmt.Sprintf("key %q: %s = %s: %s", id, attr, Render(v), accepted))
	}
	str := func(attr string) *string {
		v, present := obj[attr]
		if !present || v == nil {
			return nil
		}
		s, ok := v.(string)
		if !ok {
			bad(attr, v, "must be a string or null")
			return nil
		}
		return &s
	}
	k := Key{ID: id, Name: str("name"), ProjectID: str("project_id"), ProjectName: str("project_name"),
		ProjectStatus: str("project_status"), OwnerProjectAccess: str("owner_project_access")}

	switch kind := obj["kind"]; kind {
	case nil:
		k.Kind = KindAdmin
	case KindAdmin, KindProject:
		k.Kind, _ = kind.(string)
	default:
		bad("kind", kind, `must be "admin", "project" or null (null counts as "admin")`)
	}

	const timeAccepted = `must be an RFC 3339 time such as "2026-01-02T03:04:05Z"`
	for _, f := range []struct {
		attr     string
		required bool
		at       **time.Time
		text     *string
	}{
		{"created_at_rfc3339", true, nil, &k.CreatedAtText},
		{"last_used_at_rfc3339", false, &k.LastUsedAt, &k.LastUsedAtText},
		{"expires_at_rfc3339", false, &k.ExpiresAt, &k.ExpiresAtText},
	} {
		v := obj[f.attr]
		if v == nil && !f.required {
			continue
		}
		accepted := timeAccepted
		if !f.required {
			accepted += " or null"
		}
		s, ok := v.(string)
		t, err := parseTime(s)
		if !ok || err != nil {
			bad(f.attr, v, accepted)
			continue
		}
		*f.text = s
		if f.at == nil {
			k.CreatedAt = t
		} else {
			*f.at = &t
		}
	}

	if owner, present := obj["owner"]; present && owner != nil {
		o, ok := owner.(map[string]any)
		if !ok {
			bad("owner", owner, "must be an object, such as { type, id, name, email } or null")
		} else {
			for attr, field := range map[string]**string{"type": &k.OwnerType, "id": &k.OwnerID, "role": &k.OwnerRole} {
				if v, ok := o[attr].(string); ok && v != "" {
					*field = &v
				}
			}
			for _, attr := range []string{"email", "name", "id"} {
				if s, ok := o[attr].(string); ok && s != "" {
					k.Owner = &s
					break
				}
			}
		}
	}
	return k, problems
}

// projectLabel is the project's name, else its id: the first that is
// neither null nor empty.
func (k *Key) projectLabel() *string {
	for _, s := range []*string{k.ProjectName, k.ProjectID} {
		if s != nil && *s != "" {
			return s
		}
	}
	return nil
}

// finding is a finding of rule about k.
func (k *Key) finding(rule, detail string) Finding {
	id, kind := k.ID, k.Kind
	return Finding{
		Rule: rule, KeyID: &id, Kind: &kind, KeyName: k.Name,
		ProjectID: k.ProjectID, ProjectName: k.ProjectName, Owner: k.Owner, Detail: detail,
	}
}
