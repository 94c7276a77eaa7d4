package client

import (
	"context"
	"errors"
	"iter"
	"net/url"
	"strconv"
)

const projectsPath = "/organization/projects"

// Project is an organization project. Pointer fields are nullable or
// optional in the API's schema: nil means null or absent.
type Project struct {
	ID        string  `json:"id"`
	Object    string  `json:"object"`
	Name      *string `json:"name"`
	CreatedAt int64   `json:"created_at"`
	// ArchivedAt is nil while the project is active.
	ArchivedAt *int64 `json:"archived_at"`
	// Status is "active" or "archived".
	Status *string `json:"status"`
	// ExternalKeyID names the customer-managed encryption key the project
	// uses; nil when it uses none.
	ExternalKeyID *string `json:"external_key_id"`
	// Residency is where the project keeps its data, such as "GLOBAL" or
	// "EU_STORAGE_PROCESSING"; nil when the API does not say.
	Residency *string `json:"residency"`
}

// ListProjectsOptions selects which projects are listed.
type ListProjectsOptions struct {
	// IncludeArchived lists archived projects too.
	IncludeArchived bool
	// MaxPages defaults to DefaultMaxPages.
	MaxPages int
}

// ProjectPages pages through the organization's projects.
func (c *Client) ProjectPages(ctx context.Context, opts ListProjectsOptions) iter.Seq2[Page[Project], error] {
	return pages(ctx, c, listing[Project]{
		path:     projectsPath,
		query:    url.Values{"include_archived": {strconv.FormatBool(opts.IncludeArchived)}},
		maxPages: opts.MaxPages,
		id:       func(p *Project) string { return p.ID },
		check:    func(p *Project) string { return requireCreatedAt(p.CreatedAt) },
	})
}

// ListProjects returns every project of the organization, never nil.
func (c *Client) ListProjects(ctx context.Context, opts ListProjectsOptions) ([]Project, error) {
	return collect(c.ProjectPages(ctx, opts))
}

// ProjectAPIKey is an API key of a project. The schema requires every field
// and allows null only in last_used_at; the fields the provider maps are
// pointers all the same, so that a response that breaks the schema reads as
// null, never as "" or 0.
type ProjectAPIKey struct {
	ID            string  `json:"id"`
	Object        string  `json:"object"`
	Name          *string `json:"name"`
	RedactedValue *string `json:"redacted_value"`
	CreatedAt     int64   `json:"created_at"`
	// LastUsedAt is nil for a key that was never used.
	LastUsedAt *int64 `json:"last_used_at"`
	// OwnerProjectAccess is "active" or "inactive": whether the owner still
	// has access to the project.
	OwnerProjectAccess *string         `json:"owner_project_access"`
	Owner              ProjectKeyOwner `json:"owner"`
}

// ProjectKeyOwner nests the owner's details under its type, as the API does.
type ProjectKeyOwner struct {
	// Type is "user" or "service_account".
	Type           *string          `json:"type"`
	User           *ProjectKeyActor `json:"user"`
	ServiceAccount *ProjectKeyActor `json:"service_account"`
}

// Actor returns the owner's details: the user or the service account, or nil
// when the API sent neither.
func (o *ProjectKeyOwner) Actor() *ProjectKeyActor {
	switch {
	case o.Type != nil && *o.Type == "service_account" && o.ServiceAccount != nil:
		return o.ServiceAccount
	case o.User != nil:
		return o.User
	}
	return o.ServiceAccount
}

// ProjectKeyActor is a user or a service account owning a project key.
type ProjectKeyActor struct {
	ID   *string `json:"id"`
	Name *string `json:"name"`
	// Email is nil for service accounts.
	Email     *string `json:"email"`
	Role      *string `json:"role"`
	CreatedAt *int64  `json:"created_at"`
}

// Owner project access filters for ListProjectAPIKeys.
const (
	OwnerProjectAccessActive   = "active"
	OwnerProjectAccessInactive = "inactive"
	OwnerProjectAccessAny      = "any"
)

// ListProjectAPIKeysOptions selects which keys of a project are listed.
type ListProjectAPIKeysOptions struct {
	// OwnerProjectAccess is "active", "inactive" or "any"; empty leaves the
	// API's default, which lists only keys whose owner still has access.
	OwnerProjectAccess string
	// MaxPages defaults to DefaultMaxPages.
	MaxPages int
}

// ProjectAPIKeyPages pages through the API keys of one project. An unknown
// project is an *APIError for which IsNotFound is true.
func (c *Client) ProjectAPIKeyPages(ctx context.Context, projectID string, opts ListProjectAPIKeysOptions) iter.Seq2[Page[ProjectAPIKey], error] {
	if projectID == "" {
		return func(yield func(Page[ProjectAPIKey], error) bool) {
			yield(Page[ProjectAPIKey]{}, errors.New("a project id is required"))
		}
	}
	query := url.Values{}
	if opts.OwnerProjectAccess != "" {
		query.Set("owner_project_access", opts.OwnerProjectAccess)
	}
	return pages(ctx, c, listing[ProjectAPIKey]{
		path:     projectsPath + "/" + url.PathEscape(projectID) + "/api_keys",
		query:    query,
		maxPages: opts.MaxPages,
		id:       func(k *ProjectAPIKey) string { return k.ID },
		check:    func(k *ProjectAPIKey) string { return requireCreatedAt(k.CreatedAt) },
	})
}

// ListProjectAPIKeys returns every API key of one project, never nil.
func (c *Client) ListProjectAPIKeys(ctx context.Context, projectID string, opts ListProjectAPIKeysOptions) ([]ProjectAPIKey, error) {
	return collect(c.ProjectAPIKeyPages(ctx, projectID, opts))
}
