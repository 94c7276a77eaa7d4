package openaitest

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"
)

// AdminKey is one organization admin API key as the fake stores it. Nullable
// API fields are pointers so tests can tell null from zero.
type AdminKey struct {
	ID, RedactedValue string
	Name              *string
	CreatedAt         int64
	ExpiresAt         *int64
	LastUsedAt        *int64
	Owner             Owner
	// Extra holds fields the client does not know; they are emitted after the
	// documented ones (sorted by name) and must be ignored by the client.
	// Names that clash with documented fields are dropped.
	Extra map[string]any
}

// Owner is the owner of an admin key. Type is "user" or "service_account";
// an empty Object is derived from Type.
type Owner struct {
	Type, Object, ID, Role string
	Name                   *string
	CreatedAt              int64
}

// Project is an organization project. Status is "active" or "archived"; an
// empty Status is derived from ArchivedAt. Name and ExternalKeyID are
// nullable in the schema; Residency is optional, and "" leaves it out.
type Project struct {
	ID, Status    string
	Name          *string
	CreatedAt     int64
	ArchivedAt    *int64
	ExternalKeyID *string
	Residency     string
}

// ProjectKey is a project API key. OwnerProjectAccess is "active" or
// "inactive"; empty means "active".
type ProjectKey struct {
	ID, RedactedValue, OwnerProjectAccess string
	Name                                  *string
	CreatedAt                             int64
	LastUsedAt                            *int64
	Owner                                 ProjectKeyOwner
}

// ProjectKeyOwner is serialised as the API does, nesting the details under a
// field named after the type: {"type":"user","user":{...}} or
// {"type":"service_account","service_account":{...}}. Email is only emitted
// for users, and the schema requires it for them: a nil Email breaks the
// schema on purpose.
type ProjectKeyOwner struct {
	Type           string
	ID, Name, Role string
	Email          *string
	CreatedAt      int64
}

// adminKeyFields are the documented fields; Extra may not shadow them.
var adminKeyFields = map[string]bool{
	"object": true, "id": true, "name": true, "redacted_value": true, "created_at": true,
	"expires_at": true, "last_used_at": true, "owner": true, "value": true,
}

// encodedExtra is one Extra field, encoded once.
type encodedExtra struct {
	name  string
	value []byte
}

// encodeExtra encodes k.Extra in a stable order so responses are reproducible.
func encodeExtra(extra map[string]any) []encodedExtra {
	if len(extra) == 0 {
		return nil
	}
	names := make([]string, 0, len(extra))
	for name := range extra {
		if !adminKeyFields[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := make([]encodedExtra, 0, len(names))
	for _, name := range names {
		v, err := json.Marshal(extra[name])
		if err != nil {
			// A test built an unencodable value: fail loudly rather than serve a lie.
			panic(fmt.Sprintf("openaitest: extra field %q: %v", name, err))
		}
		out = append(out, encodedExtra{name: name, value: v})
	}
	return out
}

// shape bends an encoded object away from the schema, for the named faults
// that stand for responses the schema does not allow.
type shape struct {
	omitID, omitCreatedAt bool // FaultOmitID, FaultOmitCreatedAt: drop the field.
	nullNames             bool // FaultNullNames: every name, and a user's email, null.
	omitOwner             bool // FaultOmitOwnerDetails: the owner without its details.
	unknown               bool // Options.UnknownFields: fields the schema does not name.
}

// unknownFields are the fields Options.UnknownFields adds to every object and
// list envelope: a scalar, an array and a nested object.
const unknownFields = `,"x_future_flag":true,"x_scopes":["api.management.read"],"x_nested":{"a":[1,"ü",null]}`

// appendAdminKey appends k as the API's AdminApiKey object. Encoding by hand
// keeps the documented field order and makes 100,000 keys cheap to encode.
func appendAdminKey(b []byte, k *AdminKey, extra []encodedExtra, omitNullExpiresAt bool, sh shape) []byte {
	b = append(b, `{"object":"organization.admin_api_key"`...)
	if !sh.omitID {
		b = append(b, `,"id":`...)
		b = appendString(b, k.ID)
	}
	b = append(b, `,"name":`...)
	b = appendNullableString(b, nullIf(sh.nullNames, k.Name))
	b = append(b, `,"redacted_value":`...)
	b = appendString(b, k.RedactedValue)
	if !sh.omitCreatedAt {
		b = append(b, `,"created_at":`...)
		b = strconv.AppendInt(b, k.CreatedAt, 10)
	}
	if k.ExpiresAt != nil || !omitNullExpiresAt {
		b = append(b, `,"expires_at":`...)
		b = appendNullableInt(b, k.ExpiresAt)
	}
	b = append(b, `,"last_used_at":`...)
	b = appendNullableInt(b, k.LastUsedAt)
	if sh.omitOwner {
		b = append(b, `,"owner":{}`...)
	} else {
		b = append(b, `,"owner":{"type":`...)
		b = appendString(b, k.Owner.Type)
		b = append(b, `,"object":`...)
		b = appendString(b, ownerObject(k.Owner))
		b = append(b, `,"id":`...)
		b = appendString(b, k.Owner.ID)
		b = append(b, `,"name":`...)
		b = appendNullableString(b, nullIf(sh.nullNames, k.Owner.Name))
		b = append(b, `,"created_at":`...)
		b = strconv.AppendInt(b, k.Owner.CreatedAt, 10)
		b = append(b, `,"role":`...)
		b = appendString(b, k.Owner.Role)
		b = append(b, '}')
	}
	for _, e := range extra {
		b = append(b, ',')
		b = appendString(b, e.name)
		b = append(b, ':')
		b = append(b, e.value...)
	}
	if sh.unknown {
		b = append(b, unknownFields...)
	}
	return append(b, '}')
}

// nullIf is nil when null is set, else s.
func nullIf(null bool, s *string) *string {
	if null {
		return nil
	}
	return s
}

func ownerObject(o Owner) string {
	if o.Object != "" {
		return o.Object
	}
	switch o.Type {
	case "user":
		return "organization.user"
	case "service_account":
		return "organization.service_account"
	}
	return ""
}

// appendProject appends p as the API's Project object. external_key_id is
// always sent (null when unset); residency, optional but never null, only
// when set.
func appendProject(b []byte, p *Project, sh shape) []byte {
	b = append(b, '{')
	if !sh.omitID {
		b = append(b, `"id":`...)
		b = appendString(b, p.ID)
		b = append(b, ',')
	}
	b = append(b, `"object":"organization.project","name":`...)
	b = appendNullableString(b, nullIf(sh.nullNames, p.Name))
	if !sh.omitCreatedAt {
		b = append(b, `,"created_at":`...)
		b = strconv.AppendInt(b, p.CreatedAt, 10)
	}
	b = append(b, `,"archived_at":`...)
	b = appendNullableInt(b, p.ArchivedAt)
	b = append(b, `,"status":`...)
	b = appendString(b, p.Status)
	b = append(b, `,"external_key_id":`...)
	b = appendNullableString(b, p.ExternalKeyID)
	if p.Residency != "" {
		b = append(b, `,"residency":`...)
		b = appendString(b, p.Residency)
	}
	if sh.unknown {
		b = append(b, unknownFields...)
	}
	return append(b, '}')
}

func appendProjectKey(b []byte, k *ProjectKey, sh shape) []byte {
	b = append(b, `{"object":"organization.project.api_key"`...)
	if !sh.omitID {
		b = append(b, `,"id":`...)
		b = appendString(b, k.ID)
	}
	b = append(b, `,"name":`...)
	b = appendNullableString(b, nullIf(sh.nullNames, k.Name))
	b = append(b, `,"redacted_value":`...)
	b = appendString(b, k.RedactedValue)
	if !sh.omitCreatedAt {
		b = append(b, `,"created_at":`...)
		b = strconv.AppendInt(b, k.CreatedAt, 10)
	}
	b = append(b, `,"last_used_at":`...)
	b = appendNullableInt(b, k.LastUsedAt)
	b = append(b, `,"owner_project_access":`...)
	b = appendString(b, k.OwnerProjectAccess)
	o := &k.Owner
	b = append(b, `,"owner":{"type":`...)
	b = appendString(b, o.Type)
	if o.Type != "" && !sh.omitOwner {
		b = append(b, ',')
		b = appendString(b, o.Type)
		b = append(b, `:{"id":`...)
		b = appendString(b, o.ID)
		if o.Type == "user" {
			b = append(b, `,"email":`...)
			b = appendNullableString(b, nullIf(sh.nullNames, o.Email))
		}
		b = append(b, `,"name":`...)
		if sh.nullNames {
			b = append(b, "null"...)
		} else {
			b = appendString(b, o.Name)
		}
		b = append(b, `,"created_at":`...)
		b = strconv.AppendInt(b, o.CreatedAt, 10)
		b = append(b, `,"role":`...)
		b = appendString(b, o.Role)
		b = append(b, '}')
	}
	b = append(b, '}')
	if sh.unknown {
		b = append(b, unknownFields...)
	}
	return append(b, '}')
}

func appendNullableString(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

func appendNullableInt(b []byte, n *int64) []byte {
	if n == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *n, 10)
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string, escaping what JSON requires (and
// U+2028/U+2029, like encoding/json) and replacing invalid UTF-8 with U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// User is a member of the organization, as GET /organization/users lists it.
// Name, Email, Role and APIKeyLastUsedAt are nullable in the schema; the
// booleans are optional, and nil leaves them out.
type User struct {
	ID               string
	Name, Email      *string
	Role             *string
	AddedAt          int64
	IsServiceAccount *bool
	IsSCIMManaged    *bool
	APIKeyLastUsedAt *int64
}

func appendUser(b []byte, u *User, sh shape) []byte {
	b = append(b, `{"object":"organization.user"`...)
	if !sh.omitID {
		b = append(b, `,"id":`...)
		b = appendString(b, u.ID)
	}
	b = append(b, `,"name":`...)
	b = appendNullableString(b, nullIf(sh.nullNames, u.Name))
	b = append(b, `,"email":`...)
	b = appendNullableString(b, nullIf(sh.nullNames, u.Email))
	b = append(b, `,"role":`...)
	b = appendNullableString(b, u.Role)
	if !sh.omitCreatedAt {
		b = append(b, `,"added_at":`...)
		b = strconv.AppendInt(b, u.AddedAt, 10)
	}
	for _, f := range []struct {
		name string
		v    *bool
	}{{"is_service_account", u.IsServiceAccount}, {"is_scim_managed", u.IsSCIMManaged}} {
		if f.v != nil {
			b = append(b, ',')
			b = appendString(b, f.name)
			b = append(b, ':')
			b = strconv.AppendBool(b, *f.v)
		}
	}
	b = append(b, `,"api_key_last_used_at":`...)
	b = appendNullableInt(b, u.APIKeyLastUsedAt)
	if sh.unknown {
		b = append(b, unknownFields...)
	}
	return append(b, '}')
}
