package client

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
)

const adminAPIKeysPath = "/organization/admin_api_keys"

// AdminAPIKey is an organization admin API key. Every field the provider maps
// is a pointer, nil when the API sends null or leaves it out, never a zero
// value standing in for a missing one; the pager refuses an element without
// the id or created_at it cannot do without.
type AdminAPIKey struct {
	ID            string  `json:"id"`
	Object        string  `json:"object"`
	Name          *string `json:"name"`
	RedactedValue *string `json:"redacted_value"`
	CreatedAt     int64   `json:"created_at"`
	// ExpiresAt is nil for a key that never expires.
	ExpiresAt *int64 `json:"expires_at"`
	// LastUsedAt is nil for a key that was never used.
	LastUsedAt *int64   `json:"last_used_at"`
	Owner      KeyOwner `json:"owner"`
}

// KeyOwner is the user or service account that owns an admin API key. The
// schema requires none of its fields, so each is nil when absent. The API
// documents a fixed type and role but sends others, so both stay strings.
type KeyOwner struct {
	// Type is "user" or "service_account".
	Type      *string `json:"type"`
	Object    *string `json:"object"`
	ID        *string `json:"id"`
	Name      *string `json:"name"`
	CreatedAt *int64  `json:"created_at"`
	Role      *string `json:"role"`
}

// Order is the order of a list by creation time.
type Order string

// Orders the API accepts.
const (
	OrderAsc  Order = "asc"
	OrderDesc Order = "desc"
)

// ListAdminAPIKeysOptions selects how the keys are listed.
type ListAdminAPIKeysOptions struct {
	// Order defaults to ascending creation time.
	Order Order
	// MaxPages defaults to DefaultMaxPages.
	MaxPages int
}

// AdminAPIKeyPages pages through every admin API key of the organization.
func (c *Client) AdminAPIKeyPages(ctx context.Context, opts ListAdminAPIKeysOptions) iter.Seq2[Page[AdminAPIKey], error] {
	order := opts.Order
	if order == "" {
		order = OrderAsc
	}
	if order != OrderAsc && order != OrderDesc {
		return func(yield func(Page[AdminAPIKey], error) bool) {
			yield(Page[AdminAPIKey]{}, fmt.Errorf("invalid order %q: use %q or %q", order, OrderAsc, OrderDesc))
		}
	}
	return pages(ctx, c, listing[AdminAPIKey]{
		path:     adminAPIKeysPath,
		query:    url.Values{"order": {string(order)}},
		maxPages: opts.MaxPages,
		id:       func(k *AdminAPIKey) string { return k.ID },
		check:    func(k *AdminAPIKey) string { return requireCreatedAt(k.CreatedAt) },
	})
}

// ListAdminAPIKeys returns every admin API key of the organization, never nil.
func (c *Client) ListAdminAPIKeys(ctx context.Context, opts ListAdminAPIKeysOptions) ([]AdminAPIKey, error) {
	return collect(c.AdminAPIKeyPages(ctx, opts))
}

// GetAdminAPIKey returns one admin API key; a missing one is an *APIError
// for which IsNotFound is true.
func (c *Client) GetAdminAPIKey(ctx context.Context, id string) (*AdminAPIKey, error) {
	if id == "" {
		return nil, fmt.Errorf("an admin API key id is required")
	}
	var key AdminAPIKey
	path := adminAPIKeysPath + "/" + url.PathEscape(id)
	requestID, err := c.getJSON(ctx, path, nil, &key)
	if err != nil {
		return nil, err
	}
	if key.ID == "" {
		return nil, &DecodeError{Method: "GET", Path: path, StatusCode: 200, RequestID: requestID, Err: errors.New("the key has no id")}
	}
	if field := requireCreatedAt(key.CreatedAt); field != "" {
		return nil, &DecodeError{Method: "GET", Path: path, StatusCode: 200, RequestID: requestID, Err: fmt.Errorf("the key has no %s, which the API schema requires", field)}
	}
	return &key, nil
}
