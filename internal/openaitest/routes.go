package openaitest

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

const (
	defaultLimit = 20
	maxLimit     = 100
)

// route dispatches an authorised, admitted request under /v1.
func (s *Server) route(rw *responder, r *http.Request, m mods) {
	escaped, _ := apiPath(r.URL.EscapedPath())
	seg := strings.Split(strings.TrimPrefix(escaped, "/"), "/")
	// Segments are unescaped one by one so an id holding "%2F" stays one id.
	for i, sg := range seg {
		u, err := url.PathUnescape(sg)
		if err != nil || u == "" {
			rw.fail(invalidURL(r))
			return
		}
		seg[i] = u
	}
	var h func()
	q := r.URL.Query()
	switch {
	case len(seg) < 2 || seg[0] != "organization":
	case len(seg) == 2 && seg[1] == "admin_api_keys":
		h = func() { s.listAdminKeys(rw, q, m) }
	case len(seg) == 3 && seg[1] == "admin_api_keys":
		h = func() { s.getAdminKey(rw, seg[2], m) }
	case len(seg) == 2 && seg[1] == "projects":
		h = func() { s.listProjects(rw, q, m) }
	case len(seg) == 3 && seg[1] == "projects":
		h = func() { s.getProject(rw, seg[2], m) }
	case len(seg) == 4 && seg[1] == "projects" && seg[3] == "api_keys":
		h = func() { s.listProjectKeys(rw, seg[2], q, m) }
	case len(seg) == 5 && seg[1] == "projects" && seg[3] == "api_keys":
		h = func() { s.getProjectKey(rw, seg[2], seg[4], m) }
	case len(seg) == 2 && seg[1] == "users":
		h = func() { s.listUsers(rw, q, m) }
	}
	switch {
	case h == nil:
		rw.fail(invalidURL(r))
	case r.Method != http.MethodGet:
		// The provider only reads; creating and deleting keys is not faked.
		// Clone: the map may be a fault's, shared with concurrent requests.
		rw.headers = maps.Clone(rw.headers)
		if rw.headers == nil {
			rw.headers = map[string]string{}
		}
		rw.headers["Allow"] = http.MethodGet
		rw.fail(methodNotAllowed(r))
	default:
		h()
	}
}

// pageParams are the parsed paging query parameters.
type pageParams struct {
	after string
	limit int
	desc  bool
}

func (s *Server) parsePage(q url.Values, m mods, withOrder bool) (pageParams, *apiError) {
	p := pageParams{after: q.Get("after"), limit: defaultLimit}
	if m.ignoreAfter {
		p.after = ""
	}
	if raw := q.Get("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		switch {
		case errors.Is(err, strconv.ErrRange):
			n = maxLimit + 1
			if strings.HasPrefix(raw, "-") {
				n = 0
			}
		case err != nil:
			return p, invalidParam("limit", "invalid_type", fmt.Sprintf("Invalid 'limit': expected an integer, but got %q instead.", raw))
		}
		if s.opts.LimitOutOfRange == "clamp" {
			n = min(max(n, 1), maxLimit)
		}
		switch {
		case n < 1:
			return p, invalidParam("limit", "integer_below_min_value", fmt.Sprintf("Invalid 'limit': integer below minimum value. Expected a value >= 1, but got %s instead.", raw))
		case n > maxLimit:
			return p, invalidParam("limit", "integer_above_max_value", fmt.Sprintf("Invalid 'limit': integer above maximum value. Expected a value <= %d, but got %s instead.", maxLimit, raw))
		}
		p.limit = n
	}
	if withOrder {
		switch o := q.Get("order"); o {
		case "", "asc":
		case "desc":
			p.desc = true
		default:
			return p, invalidParam("order", "invalid_value", fmt.Sprintf("Invalid value: %q. Supported values are: 'asc' and 'desc'.", o))
		}
	}
	return p, nil
}

// pageIndices selects one page from a list held in ascending creation order.
// keep filters elements (nil keeps all). An after that names no element
// yields an empty final page: the contract leaves it open, and a client that
// stops on an empty page or has_more false handles it without looping.
func pageIndices(n int, index map[string]int, keep func(int) bool, p pageParams) (idx []int, hasMore bool) {
	step, i := 1, 0
	if p.desc {
		step, i = -1, n-1
	}
	if p.after != "" {
		pos, ok := index[p.after]
		if !ok {
			return nil, false
		}
		i = pos + step
	}
	idx = make([]int, 0, min(p.limit, n))
	for ; i >= 0 && i < n; i += step {
		if keep != nil && !keep(i) {
			continue
		}
		if len(idx) == p.limit {
			return idx, true
		}
		idx = append(idx, i)
	}
	return idx, false
}

// appendList wraps already encoded elements in the list envelope.
func (s *Server) appendList(b []byte, elems [][]byte, firstID, lastID string, hasMore bool) []byte {
	b = append(b, `{"object":"list","data":[`...)
	for i, e := range elems {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, e...)
	}
	b = append(b, ']')
	switch {
	case s.opts.ListIDs == ListIDsOmitted:
	case s.opts.ListIDs == ListIDsNull, len(elems) == 0:
		b = append(b, `,"first_id":null,"last_id":null`...)
	default:
		b = append(b, `,"first_id":`...)
		b = appendString(b, firstID)
		b = append(b, `,"last_id":`...)
		b = appendString(b, lastID)
	}
	b = append(b, `,"has_more":`...)
	b = strconv.AppendBool(b, hasMore)
	if s.opts.UnknownFields {
		b = append(b, unknownFields...)
	}
	return append(b, '}')
}

// shapeOf is how element j of n is encoded: the fault's changes, and the
// server's unknown fields.
func (s *Server) shapeOf(m mods, j, n int) shape {
	sh := m.every
	if j == n-1 {
		sh.omitID = m.last.omitID
		sh.omitCreatedAt = m.last.omitCreatedAt
	}
	sh.unknown = s.opts.UnknownFields
	return sh
}

// plain reports whether a shape leaves an admin key as SetAdminKeys encoded it.
func (s *Server) plain(sh shape) bool {
	return sh == shape{unknown: s.opts.UnknownFields}
}

func (s *Server) listAdminKeys(rw *responder, q url.Values, m mods) {
	p, apiErr := s.parsePage(q, m, true)
	if apiErr != nil {
		rw.fail(apiErr)
		return
	}
	s.dataMu.RLock()
	idx, hasMore := pageIndices(len(s.keys), s.keyIndex, nil, p)
	elems := make([][]byte, len(idx))
	size := 128
	for j, i := range idx {
		elems[j] = s.keyJSON[i]
		if sh := s.shapeOf(m, j, len(idx)); !s.plain(sh) {
			k := &s.keys[i]
			elems[j] = appendAdminKey(nil, k, encodeExtra(k.Extra), s.opts.OmitNullExpiresAt, sh)
		}
		size += len(elems[j]) + 1
	}
	var first, last string
	if len(idx) > 0 {
		first, last = s.keys[idx[0]].ID, s.keys[idx[len(idx)-1]].ID
	}
	// Built under the read lock because elems alias the stored encodings.
	body := s.appendList(make([]byte, 0, size), elems, first, last, hasMore || m.forceHasMore)
	s.dataMu.RUnlock()
	rw.write(http.StatusOK, body)
}

func (s *Server) getAdminKey(rw *responder, id string, m mods) {
	s.dataMu.RLock()
	i, ok := s.keyIndex[id]
	var body []byte
	if ok {
		if sh := s.shapeOf(m, 0, 1); !s.plain(sh) {
			k := &s.keys[i]
			body = appendAdminKey(nil, k, encodeExtra(k.Extra), s.opts.OmitNullExpiresAt, sh)
		} else {
			body = slices.Clone(s.keyJSON[i])
		}
	}
	s.dataMu.RUnlock()
	if !ok {
		rw.fail(statusError(http.StatusNotFound, fmt.Sprintf("No such admin API key: %s", id)))
		return
	}
	rw.write(http.StatusOK, body)
}

func (s *Server) listProjects(rw *responder, q url.Values, m mods) {
	p, apiErr := s.parsePage(q, m, false)
	if apiErr != nil {
		rw.fail(apiErr)
		return
	}
	includeArchived := false
	if raw := q.Get("include_archived"); raw != "" {
		v, err := strconv.ParseBool(raw)
		if err != nil {
			rw.fail(invalidParam("include_archived", "invalid_type", fmt.Sprintf("Invalid 'include_archived': expected a boolean, but got %q instead.", raw)))
			return
		}
		includeArchived = v
	}
	s.dataMu.RLock()
	keep := func(i int) bool { return includeArchived || s.projects[i].p.Status != "archived" }
	idx, hasMore := pageIndices(len(s.projects), s.projectIndex, keep, p)
	elems := make([][]byte, len(idx))
	for j, i := range idx {
		elems[j] = appendProject(nil, &s.projects[i].p, s.shapeOf(m, j, len(idx)))
	}
	var first, last string
	if len(idx) > 0 {
		first, last = s.projects[idx[0]].p.ID, s.projects[idx[len(idx)-1]].p.ID
	}
	s.dataMu.RUnlock()
	rw.write(http.StatusOK, s.appendList(nil, elems, first, last, hasMore || m.forceHasMore))
}

func (s *Server) listUsers(rw *responder, q url.Values, m mods) {
	p, apiErr := s.parsePage(q, m, false)
	if apiErr != nil {
		rw.fail(apiErr)
		return
	}
	s.dataMu.RLock()
	idx, hasMore := pageIndices(len(s.users), s.userIndex, nil, p)
	elems := make([][]byte, len(idx))
	for j, i := range idx {
		elems[j] = appendUser(nil, &s.users[i], s.shapeOf(m, j, len(idx)))
	}
	var first, last string
	if len(idx) > 0 {
		first, last = s.users[idx[0]].ID, s.users[idx[len(idx)-1]].ID
	}
	s.dataMu.RUnlock()
	rw.write(http.StatusOK, s.appendList(nil, elems, first, last, hasMore || m.forceHasMore))
}

func (s *Server) getProject(rw *responder, id string, m mods) {
	s.dataMu.RLock()
	i, ok := s.projectIndex[id]
	var body []byte
	if ok {
		body = appendProject(nil, &s.projects[i].p, s.shapeOf(m, 0, 1))
	}
	s.dataMu.RUnlock()
	if !ok {
		rw.fail(projectNotFound(id))
		return
	}
	rw.write(http.StatusOK, body)
}

func projectNotFound(id string) *apiError {
	return statusError(http.StatusNotFound, fmt.Sprintf("No such project: %s", id))
}

func (s *Server) listProjectKeys(rw *responder, projectID string, q url.Values, m mods) {
	p, apiErr := s.parsePage(q, m, false)
	if apiErr != nil {
		rw.fail(apiErr)
		return
	}
	// The contract lists active, inactive and any without naming a default;
	// active is what a caller asking for a project's keys most likely means.
	access := q.Get("owner_project_access")
	switch access {
	case "":
		access = "active"
	case "active", "inactive", "any":
	default:
		rw.fail(invalidParam("owner_project_access", "invalid_value", fmt.Sprintf("Invalid value: %q. Supported values are: 'active', 'inactive', and 'any'.", access)))
		return
	}
	s.dataMu.RLock()
	pi, ok := s.projectIndex[projectID]
	if !ok {
		s.dataMu.RUnlock()
		rw.fail(projectNotFound(projectID))
		return
	}
	ps := s.projects[pi]
	keep := func(i int) bool { return access == "any" || ps.keys[i].OwnerProjectAccess == access }
	idx, hasMore := pageIndices(len(ps.keys), ps.keyIndex, keep, p)
	elems := make([][]byte, len(idx))
	for j, i := range idx {
		elems[j] = appendProjectKey(nil, &ps.keys[i], s.shapeOf(m, j, len(idx)))
	}
	var first, last string
	if len(idx) > 0 {
		first, last = ps.keys[idx[0]].ID, ps.keys[idx[len(idx)-1]].ID
	}
	s.dataMu.RUnlock()
	rw.write(http.StatusOK, s.appendList(nil, elems, first, last, hasMore || m.forceHasMore))
}

func (s *Server) getProjectKey(rw *responder, projectID, keyID string, m mods) {
	s.dataMu.RLock()
	var body []byte
	var apiErr *apiError
	if pi, ok := s.projectIndex[projectID]; !ok {
		apiErr = projectNotFound(projectID)
	} else if i, ok := s.projects[pi].keyIndex[keyID]; !ok {
		apiErr = statusError(http.StatusNotFound, fmt.Sprintf("No such API key %s in project %s", keyID, projectID))
	} else {
		body = appendProjectKey(nil, &s.projects[pi].keys[i], s.shapeOf(m, 0, 1))
	}
	s.dataMu.RUnlock()
	if apiErr != nil {
		rw.fail(apiErr)
		return
	}
	rw.write(http.StatusOK, body)
}
