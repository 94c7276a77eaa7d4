package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The published OpenAPI schema of the Admin API's lists, written out from
// shared/openai-admin-api.md. Every field a response carries must be named
// here, with its type, and be null only where nullable says so; every
// required field must be there.
type fieldRule struct {
	typ      string // "string", "integer", "boolean", "object" or "array"
	required bool
	nullable bool
	enum     []string // allowed strings, when the schema fixes them
}

var schemaRules = map[string]map[string]fieldRule{
	"list": {
		"object":   {typ: "string", required: true, enum: []string{"list"}},
		"data":     {typ: "array", required: true},
		"first_id": {typ: "string", nullable: true},
		"last_id":  {typ: "string", nullable: true},
		"has_more": {typ: "boolean", required: true},
	},
	"AdminApiKey": {
		"object":         {typ: "string", required: true, enum: []string{"organization.admin_api_key"}},
		"id":             {typ: "string", required: true},
		"name":           {typ: "string", required: true, nullable: true},
		"redacted_value": {typ: "string", required: true},
		"created_at":     {typ: "integer", required: true},
		"expires_at":     {typ: "integer", nullable: true},
		"last_used_at":   {typ: "integer", required: true, nullable: true},
		"owner":          {typ: "object", required: true},
	},
	"AdminApiKey.owner": {
		"type":       {typ: "string", enum: []string{"user", "service_account"}},
		"object":     {typ: "string", enum: []string{"organization.user", "organization.service_account"}},
		"id":         {typ: "string"},
		"name":       {typ: "string"},
		"created_at": {typ: "integer"},
		"role":       {typ: "string"},
	},
	"Project": {
		"id":              {typ: "string", required: true},
		"object":          {typ: "string", required: true, enum: []string{"organization.project"}},
		"name":            {typ: "string", nullable: true},
		"created_at":      {typ: "integer", required: true},
		"archived_at":     {typ: "integer", nullable: true},
		"status":          {typ: "string", nullable: true, enum: []string{"active", "archived"}},
		"external_key_id": {typ: "string", nullable: true},
		"residency":       {typ: "string"},
	},
	"ProjectApiKey": {
		"object":               {typ: "string", required: true, enum: []string{"organization.project.api_key"}},
		"id":                   {typ: "string", required: true},
		"name":                 {typ: "string", required: true},
		"redacted_value":       {typ: "string", required: true},
		"created_at":           {typ: "integer", required: true},
		"last_used_at":         {typ: "integer", required: true, nullable: true},
		"owner_project_access": {typ: "string", required: true, enum: []string{"active", "inactive"}},
		"owner":                {typ: "object", required: true},
	},
	"ProjectApiKey.owner": {
		"type":            {typ: "string", required: true, enum: []string{"user", "service_account"}},
		"user":            {typ: "object"},
		"service_account": {typ: "object"},
	},
	"ProjectApiKey.owner.user": {
		"id": {typ: "string", required: true}, "email": {typ: "string", required: true}, "name": {typ: "string", required: true},
		"created_at": {typ: "integer", required: true}, "role": {typ: "string", required: true},
	},
	"ProjectApiKey.owner.service_account": {
		"id": {typ: "string", required: true}, "name": {typ: "string", required: true},
		"created_at": {typ: "integer", required: true}, "role": {typ: "string", required: true},
	},
	"User": {
		"object":               {typ: "string", required: true, enum: []string{"organization.user"}},
		"id":                   {typ: "string", required: true},
		"added_at":             {typ: "integer", required: true},
		"name":                 {typ: "string", nullable: true},
		"email":                {typ: "string", nullable: true},
		"role":                 {typ: "string", nullable: true},
		"is_service_account":   {typ: "boolean"},
		"is_scim_managed":      {typ: "boolean"},
		"is_default":           {typ: "boolean"},
		"api_key_last_used_at": {typ: "integer", nullable: true},
		"created":              {typ: "integer"},
		"user":                 {typ: "object"},
		"projects":             {typ: "object", nullable: true},
	},
}

// violations lists how obj breaks the schema rules named by schema, with
// nested objects checked against schema + "." + field.
func violations(schema string, obj map[string]any) []string {
	rules, ok := schemaRules[schema]
	if !ok {
		panic("no schema rules for " + schema)
	}
	var out []string
	names := make([]string, 0, len(rules))
	for name := range rules {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		rule := rules[name]
		v, present := obj[name]
		switch {
		case !present:
			if rule.required {
				out = append(out, fmt.Sprintf("%s.%s is required but absent", schema, name))
			}
			continue
		case v == nil:
			if !rule.nullable {
				out = append(out, fmt.Sprintf("%s.%s is null but not nullable", schema, name))
			}
			continue
		}
		if got := jsonType(v); got != rule.typ {
			out = append(out, fmt.Sprintf("%s.%s is a %s, want %s", schema, name, got, rule.typ))
			continue
		}
		if s, ok := v.(string); ok && rule.enum != nil && !slices.Contains(rule.enum, s) {
			out = append(out, fmt.Sprintf("%s.%s is %q, not one of %v", schema, name, s, rule.enum))
		}
		if m, ok := v.(map[string]any); ok {
			out = append(out, violations(schema+"."+name, m)...)
		}
	}
	for name := range obj {
		if _, known := rules[name]; !known {
			out = append(out, fmt.Sprintf("%s has the field %q, which the schema does not name", schema, name))
		}
	}
	if schema == "ProjectApiKey.owner" {
		// Only the member named by type is expected.
		if typ, _ := obj["type"].(string); typ != "" {
			if _, ok := obj[typ].(map[string]any); !ok {
				out = append(out, fmt.Sprintf("%s has no %q details for its type", schema, typ))
			}
		}
	}
	return out
}

func jsonType(v any) string {
	switch x := v.(type) {
	case string:
		return "string"
	case bool:
		return "boolean"
	case float64:
		if x == float64(int64(x)) {
			return "integer"
		}
		return "number"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return fmt.Sprintf("%T", v)
}

// schemaWalk reads every route of s, every page of every list at page size
// limit, and returns every schema violation, each with the request it came
// from.
func schemaWalk(t *testing.T, s *Server, limit int) (violated []string, pages int) {
	t.Helper()
	h := s.Handler()
	fetch := func(path string, q url.Values) map[string]any {
		req := httptest.NewRequest(http.MethodGet, "http://fake/v1"+path+"?"+q.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+DefaultAdminKey)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s?%s: %d %s", path, q.Encode(), rec.Code, rec.Body)
		}
		var obj map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &obj); err != nil {
			t.Fatalf("GET %s?%s: %v", path, q.Encode(), err)
		}
		return obj
	}
	check := func(where, schema string, obj map[string]any) {
		for _, v := range violations(schema, obj) {
			violated = append(violated, where+": "+v)
		}
	}
	// list pages through path and checks each page and element.
	list := func(path string, q url.Values, elem string) []string {
		var ids []string
		q.Set("limit", fmt.Sprint(limit))
		for {
			page := fetch(path, q)
			pages++
			where := fmt.Sprintf("GET %s?%s", path, q.Encode())
			check(where, "list", page)
			data, _ := page["data"].([]any)
			for i, e := range data {
				obj, ok := e.(map[string]any)
				if !ok {
					violated = append(violated, fmt.Sprintf("%s: element %d is not an object", where, i))
					continue
				}
				check(fmt.Sprintf("%s element %d", where, i), elem, obj)
				id, _ := obj["id"].(string)
				ids = append(ids, id)
			}
			if more, _ := page["has_more"].(bool); !more || len(data) == 0 {
				return ids
			}
			q.Set("after", ids[len(ids)-1])
		}
	}

	for _, order := range []string{"asc", "desc"} {
		keys := list("/organization/admin_api_keys", url.Values{"order": {order}}, "AdminApiKey")
		if order == "asc" {
			for _, id := range keys {
				check("GET admin key "+id, "AdminApiKey", fetch("/organization/admin_api_keys/"+url.PathEscape(id), nil))
			}
		}
	}
	list("/organization/users", url.Values{}, "User")
	list("/organization/projects", url.Values{}, "Project")
	for _, p := range list("/organization/projects", url.Values{"include_archived": {"true"}}, "Project") {
		check("GET project "+p, "Project", fetch("/organization/projects/"+url.PathEscape(p), nil))
		keysPath := "/organization/projects/" + url.PathEscape(p) + "/api_keys"
		for _, access := range []string{"", "active", "inactive"} {
			q := url.Values{}
			if access != "" {
				q.Set("owner_project_access", access)
			}
			list(keysPath, q, "ProjectApiKey")
		}
		for _, k := range list(keysPath, url.Values{"owner_project_access": {"any"}}, "ProjectApiKey") {
			check("GET project key "+k, "ProjectApiKey", fetch(keysPath+"/"+url.PathEscape(k), nil))
		}
	}
	return violated, pages
}

// schemaOrganizations are the organizations the fake serves to tests and the
// demo: the sample, and generated ones.
func schemaOrganizations() map[string]func(*Server) {
	return map[string]func(*Server){
		"sample": (*Server).LoadSampleOrganization,
		"generated": func(s *Server) {
			s.SeedAdminKeys(250)
			s.SeedProjects(13, func(i int) int { return (i * 37) % 260 })
			s.SeedUsers(230)
		},
	}
}

func TestResponsesFollowTheSchema(t *testing.T) {
	for name, load := range schemaOrganizations() {
		for _, opts := range []struct {
			name string
			opts Options
		}{
			{"defaults", Options{}},
			{"null list ids", Options{ListIDs: ListIDsNull}},
			{"omitted list ids", Options{ListIDs: ListIDsOmitted}},
			{"omitted null expires_at", Options{OmitNullExpiresAt: true}},
			{"admin listing with project keys", Options{AdminListingHoldsProjectKeys: true}},
		} {
			for _, limit := range []int{100, 7} {
				t.Run(fmt.Sprintf("%s/%s/limit %d", name, opts.name, limit), func(t *testing.T) {
					s := NewHandler(opts.opts)
					load(s)
					violated, pages := schemaWalk(t, s, limit)
					if pages < 10 {
						t.Fatalf("only %d pages read: the walk is not reaching the routes", pages)
					}
					if len(violated) > 0 {
						t.Fatalf("%d schema violations, first ones:\n%s", len(violated), strings.Join(violated[:min(10, len(violated))], "\n"))
					}
				})
			}
		}
	}
}

// Each way off the schema is an explicit option or fault, and the walk sees it.
func TestSchemaViolationsAreOnlyByRequest(t *testing.T) {
	for _, c := range []struct {
		name  string
		opts  Options
		fault *Fault
		want  string
	}{
		{"unknown fields", Options{UnknownFields: true}, nil, `the field "x_future_flag", which the schema does not name`},
		{"null names", Options{}, &Fault{Kind: FaultNullNames, Path: "/organization/projects/", Times: 1000}, "ProjectApiKey.name is null but not nullable"},
		{"null emails", Options{}, &Fault{Kind: FaultNullNames, Path: "/organization/projects/", Times: 1000}, "ProjectApiKey.owner.user.email is null but not nullable"},
		{"owner without details", Options{}, &Fault{Kind: FaultOmitOwnerDetails, Path: "/organization/projects/", Times: 1000}, `ProjectApiKey.owner has no "user" details for its type`},
		{"admin owner without details", Options{}, &Fault{Kind: FaultOmitOwnerDetails, Path: "/organization/admin_api_keys", Times: 1000}, ""},
		{"missing created_at", Options{}, &Fault{Kind: FaultOmitCreatedAt, Path: "/organization/admin_api_keys"}, "AdminApiKey.created_at is required but absent"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := NewHandler(c.opts)
			s.LoadSampleOrganization()
			if c.fault != nil {
				s.Inject(*c.fault)
			}
			violated, _ := schemaWalk(t, s, 100)
			joined := strings.Join(violated, "\n")
			if c.want == "" {
				// The admin key owner's fields are all optional: an empty
				// owner is within the schema.
				if len(violated) > 0 {
					t.Fatalf("violations where the schema allows it:\n%s", joined)
				}
				return
			}
			if !strings.Contains(joined, c.want) {
				t.Fatalf("no violation %q among:\n%s", c.want, joined)
			}
		})
	}
}
