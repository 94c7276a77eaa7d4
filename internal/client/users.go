package client

import (
	"context"
	"iter"
)

const usersPath = "/organization/users"

// User is a member of the organization. Pointer fields are nullable or
// optional in the API's schema: nil means null or absent. The booleans are
// optional too: absent means unknown, not false.
type User struct {
	ID     string  `json:"id"`
	Object string  `json:"object"`
	Name   *string `json:"name"`
	Email  *string `json:"email"`
	// Role is "owner" or "reader"; other strings are kept as they come.
	Role *string `json:"role"`
	// AddedAt is when the user joined the organization, in Unix seconds.
	AddedAt          int64 `json:"added_at"`
	IsServiceAccount *bool `json:"is_service_account"`
	IsSCIMManaged    *bool `json:"is_scim_managed"`
	// APIKeyLastUsedAt is nil while the user's API keys were never used.
	APIKeyLastUsedAt *int64 `json:"api_key_last_used_at"`
}

// ListUsersOptions selects how the users are listed.
type ListUsersOptions struct {
	// MaxPages defaults to DefaultMaxPages.
	MaxPages int
}

// UserPages pages through the organization's users.
func (c *Client) UserPages(ctx context.Context, opts ListUsersOptions) iter.Seq2[Page[User], error] {
	return pages(ctx, c, listing[User]{
		path:     usersPath,
		maxPages: opts.MaxPages,
		id:       func(u *User) string { return u.ID },
		check: func(u *User) string {
			if u.AddedAt <= 0 {
				return "added_at"
			}
			return ""
		},
	})
}

// ListUsers returns every user of the organization, never nil.
func (c *Client) ListUsers(ctx context.Context, opts ListUsersOptions) ([]User, error) {
	return collect(c.UserPages(ctx, opts))
}
