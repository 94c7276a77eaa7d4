package openaitest

import (
	"cmp"
	"fmt"
	"slices"
)

// SetAdminKeys replaces the admin keys. They are served in ascending
// created_at order, ties in the order given. Duplicate IDs panic: they would
// make paging ambiguous.
func (s *Server) SetAdminKeys(keys []AdminKey) {
	sorted := slices.Clone(keys)
	slices.SortStableFunc(sorted, func(a, b AdminKey) int { return cmp.Compare(a.CreatedAt, b.CreatedAt) })
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	s.adminKeys = sorted
	s.publishAdminListingLocked()
}

// publishAdminListingLocked rebuilds what GET /organization/admin_api_keys
// serves: the admin keys, and with Options.AdminListingHoldsProjectKeys every
// project's keys too, archived projects included, in ascending created_at
// order (ties: admin keys first, then projects in order). Each entry is
// encoded once here so that listing 100,000 keys costs the fake little more
// than copying bytes. An id served twice panics.
func (s *Server) publishAdminListingLocked() {
	listed := s.adminKeys
	if s.opts.AdminListingHoldsProjectKeys {
		listed = slices.Clone(s.adminKeys)
		for _, ps := range s.projects {
			for i := range ps.keys {
				listed = append(listed, projectKeyAsAdminKey(&ps.keys[i]))
			}
		}
		slices.SortStableFunc(listed, func(a, b AdminKey) int { return cmp.Compare(a.CreatedAt, b.CreatedAt) })
	}
	index := make(map[string]int, len(listed))
	for i := range listed {
		id := listed[i].ID
		if _, dup := index[id]; dup {
			panic(fmt.Sprintf("openaitest: the admin key listing would hold the key id %q twice", id))
		}
		index[id] = i
	}
	// One buffer for all keys, sliced afterwards so no slice points into a
	// buffer that a later append has outgrown.
	buf := make([]byte, 0, len(listed)*480)
	ends := make([]int, len(listed))
	for i := range listed {
		k := &listed[i]
		buf = appendAdminKey(buf, k, encodeExtra(k.Extra), s.opts.OmitNullExpiresAt, shape{unknown: s.opts.UnknownFields})
		ends[i] = len(buf)
	}
	enc := make([][]byte, len(listed))
	start := 0
	for i, end := range ends {
		enc[i] = buf[start:end:end]
		start = end
	}
	s.keys, s.keyJSON, s.keyIndex = listed, enc, index
}

// AdminListing is what GET /organization/admin_api_keys serves, in its
// ascending order: the admin keys, and with
// Options.AdminListingHoldsProjectKeys every project's keys among them.
func (s *Server) AdminListing() []AdminKey {
	s.dataMu.RLock()
	defer s.dataMu.RUnlock()
	return slices.Clone(s.keys)
}

// projectKeyAsAdminKey is a project key as the admin key listing shows it
// when it holds project keys: labelled organization.admin_api_key, with the
// project listing's id, a flat owner like an admin key's (no email), and no
// expiry.
func projectKeyAsAdminKey(k *ProjectKey) AdminKey {
	o := k.Owner
	return AdminKey{
		ID: k.ID, RedactedValue: k.RedactedValue, Name: k.Name, CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt,
		Owner: Owner{Type: o.Type, ID: o.ID, Name: ptr(o.Name), Role: o.Role, CreatedAt: o.CreatedAt},
	}
}

// SeedAdminKeys replaces the admin keys with GenerateAdminKeys(n, 1) and
// returns them in ascending creation order.
func (s *Server) SeedAdminKeys(n int) []AdminKey {
	keys := GenerateAdminKeys(n, 1)
	s.SetAdminKeys(keys)
	return keys
}

// AddProject adds p with its keys, replacing any project with the same ID.
// Projects and their keys are served in ascending created_at order. An empty
// Status is derived from ArchivedAt and an empty OwnerProjectAccess means
// "active".
func (s *Server) AddProject(p Project, keys []ProjectKey) {
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	s.addProjectLocked(p, keys)
	if s.opts.AdminListingHoldsProjectKeys {
		s.publishAdminListingLocked()
	}
}

func (s *Server) addProjectLocked(p Project, keys []ProjectKey) {
	if p.Status == "" {
		p.Status = "active"
		if p.ArchivedAt != nil {
			p.Status = "archived"
		}
	}
	ps := &projectState{p: p, keys: slices.Clone(keys), keyIndex: make(map[string]int, len(keys))}
	slices.SortStableFunc(ps.keys, func(a, b ProjectKey) int { return cmp.Compare(a.CreatedAt, b.CreatedAt) })
	for i := range ps.keys {
		k := &ps.keys[i]
		if k.OwnerProjectAccess == "" {
			k.OwnerProjectAccess = "active"
		}
		if _, dup := ps.keyIndex[k.ID]; dup {
			panic(fmt.Sprintf("openaitest: duplicate key id %q in project %q", k.ID, p.ID))
		}
		ps.keyIndex[k.ID] = i
	}
	projects := slices.DeleteFunc(s.projects, func(o *projectState) bool { return o.p.ID == p.ID })
	projects = append(projects, ps)
	slices.SortStableFunc(projects, func(a, b *projectState) int { return cmp.Compare(a.p.CreatedAt, b.p.CreatedAt) })
	index := make(map[string]int, len(projects))
	for i, o := range projects {
		index[o.p.ID] = i
	}
	s.projects, s.projectIndex = projects, index
}

// LoadSampleOrganization replaces the admin keys, projects and users with
// SampleOrganization's and SampleUsers'.
func (s *Server) LoadSampleOrganization() {
	keys, projects, projectKeys := SampleOrganization()
	s.SetAdminKeys(keys)
	s.SetProjects(projects, projectKeys)
	s.SetUsers(SampleUsers())
}

// SetProjects replaces every project and its keys.
func (s *Server) SetProjects(projects []Project, keys map[string][]ProjectKey) {
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	s.projects, s.projectIndex = nil, map[string]int{}
	for _, p := range projects {
		s.addProjectLocked(p, keys[p.ID])
	}
	if s.opts.AdminListingHoldsProjectKeys {
		s.publishAdminListingLocked()
	}
}

// SeedProjects replaces the projects with n generated ones, proj_0000 on,
// created an hour apart, every third archived, with residencies in turn and
// every fourth on a customer-managed key; project i gets keysPer(i) keys from
// GenerateProjectKeys. It returns them in creation order.
func (s *Server) SeedProjects(n int, keysPer func(i int) int) ([]Project, map[string][]ProjectKey) {
	projects := make([]Project, n)
	keys := make(map[string][]ProjectKey, n)
	for i := range projects {
		p := Project{ID: fmt.Sprintf("proj_%04d", i), Name: ptr(fmt.Sprintf("Project %d", i)), CreatedAt: generatedEpoch + int64(i)*3600,
			Status: "active", Residency: residencies[i%len(residencies)]}
		if i%4 == 1 {
			p.ExternalKeyID = ptr(fmt.Sprintf("ekm_%04d", i))
		}
		if i%3 == 2 {
			p.ArchivedAt, p.Status = ptr(p.CreatedAt+100), "archived"
		}
		projects[i] = p
		keys[p.ID] = GenerateProjectKeys(p.ID, keysPer(i), 1)
	}
	s.SetProjects(projects, keys)
	return projects, keys
}

// SetUsers replaces the organization's users. They are served in ascending
// added_at order, ties in the order given. Duplicate IDs panic.
func (s *Server) SetUsers(users []User) {
	sorted := slices.Clone(users)
	slices.SortStableFunc(sorted, func(a, b User) int { return cmp.Compare(a.AddedAt, b.AddedAt) })
	index := make(map[string]int, len(sorted))
	for i, u := range sorted {
		if _, dup := index[u.ID]; dup {
			panic(fmt.Sprintf("openaitest: duplicate user id %q", u.ID))
		}
		index[u.ID] = i
	}
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	s.users, s.userIndex = sorted, index
}

// SeedUsers replaces the users with GenerateUsers(n, 1) and returns them in
// ascending added_at order.
func (s *Server) SeedUsers(n int) []User {
	users := GenerateUsers(n, 1)
	s.SetUsers(users)
	return users
}
