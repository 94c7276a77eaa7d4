package openaitest

import (
	"cmp"
	"fmt"
	"slices"
)

// SetAdminKeys replaces the admin keys. They are served in ascending
// created_at order, ties in the order given. Each key is encoded once here so
// that listing 100,000 keys costs the fake little more than copying bytes.
// Duplicate IDs panic: they would make paging ambiguous.
func (s *Server) SetAdminKeys(keys []AdminKey) {
	sorted := slices.Clone(keys)
	slices.SortStableFunc(sorted, func(a, b AdminKey) int { return cmp.Compare(a.CreatedAt, b.CreatedAt) })
	index := make(map[string]int, len(sorted))
	for i := range sorted {
		id := sorted[i].ID
		if _, dup := index[id]; dup {
			panic(fmt.Sprintf("openaitest: duplicate admin key id %q", id))
		}
		index[id] = i
	}
	// One buffer for all keys, sliced afterwards so no slice points into a
	// buffer that a later append has outgrown.
	buf := make([]byte, 0, len(sorted)*480)
	ends := make([]int, len(sorted))
	for i := range sorted {
		k := &sorted[i]
		buf = appendAdminKey(buf, k, encodeExtra(k.Extra), s.opts.OmitNullExpiresAt, shape{unknown: s.opts.UnknownFields})
		ends[i] = len(buf)
	}
	enc := make([][]byte, len(sorted))
	start := 0
	for i, end := range ends {
		enc[i] = buf[start:end:end]
		start = end
	}
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	s.keys, s.keyJSON, s.keyIndex = sorted, enc, index
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
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
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
	s.projects, s.projectIndex = nil, map[string]int{}
	s.dataMu.Unlock()
	for _, p := range projects {
		s.AddProject(p, keys[p.ID])
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
