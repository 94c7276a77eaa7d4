package client

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"
)

const (
	// PageSize is the largest page the API serves; fewer pages means fewer
	// requests against a tight rate limit.
	PageSize = 100
	// DefaultMaxPages bounds a sweep (a million keys at PageSize) so that a
	// misbehaving server cannot keep it going forever.
	DefaultMaxPages = 10_000
)

// Page is one page of a list, as it arrives.
type Page[T any] struct {
	Items []T
	// Number counts pages from 1.
	Number int
	// Total is the number of items received so far, this page included.
	Total     int
	RequestID string
}

type listResponse[T any] struct {
	Data    []T     `json:"data"`
	FirstID *string `json:"first_id"`
	LastID  *string `json:"last_id"`
	HasMore bool    `json:"has_more"`
}

// cursorRule is how a list names its next page.
type cursorRule int

const (
	// afterLastItem sends after=<id of the last element>, as the official
	// SDKs do for admin keys (they ignore last_id there).
	afterLastItem cursorRule = iota
	// afterLastID sends after=<last_id> and stops when last_id is null, as
	// the projects and project API keys lists do.
	afterLastID
)

type listing[T any] struct {
	path     string
	query    url.Values
	rule     cursorRule
	maxPages int
	id       func(*T) string
}

// pages walks a list page by page. It ends with a *PaginationError, never a
// loop, when the server promises more but the cursor does not advance.
func pages[T any](ctx context.Context, c *Client, l listing[T]) iter.Seq2[Page[T], error] {
	return func(yield func(Page[T], error) bool) {
		maxPages := l.maxPages
		if maxPages <= 0 {
			maxPages = DefaultMaxPages
		}
		query := url.Values{}
		for k, v := range l.query {
			query[k] = v
		}
		query.Set("limit", strconv.Itoa(PageSize))
		seen := map[string]bool{}
		cursor, total := "", 0
		for n := 1; ; n++ {
			fail := func(reason string, requestID string) {
				yield(Page[T]{}, &PaginationError{Path: l.path, Page: n, Cursor: cursor, Reason: reason, RequestID: requestID})
			}
			if n > maxPages {
				fail(fmt.Sprintf("the list is longer than %d pages of %d, the most this client will read", maxPages, PageSize), "")
				return
			}
			if cursor != "" {
				query.Set("after", cursor)
			}
			var resp listResponse[T]
			requestID, err := c.getJSON(ctx, l.path, query, &resp)
			if err != nil {
				yield(Page[T]{}, err)
				return
			}
			for i := range resp.Data {
				if l.id(&resp.Data[i]) == "" {
					fail(fmt.Sprintf("element %d of the page has no id", i+1), requestID)
					return
				}
			}
			total += len(resp.Data)
			next := ""
			switch {
			case len(resp.Data) == 0:
			case l.rule == afterLastID && resp.LastID != nil:
				next = *resp.LastID
			case l.rule == afterLastItem:
				next = l.id(&resp.Data[len(resp.Data)-1])
			}
			more := resp.HasMore && next != ""
			c.log.Debug(ctx, "listed a page", map[string]any{
				"path": l.path, "page": n, "items": len(resp.Data), "total": total,
				"after": cursor, "has_more": resp.HasMore, "request_id": requestID,
			})
			if resp.HasMore && len(resp.Data) == 0 {
				fail("the API reported more results but returned an empty page", requestID)
				return
			}
			if more && (next == cursor || seen[next]) {
				fail(fmt.Sprintf("the API returned the cursor %q again, so paging would loop", next), requestID)
				return
			}
			if !yield(Page[T]{Items: resp.Data, Number: n, Total: total, RequestID: requestID}, nil) || !more {
				return
			}
			seen[next] = true
			cursor = next
		}
	}
}

// collect gathers every item of a list.
func collect[T any](seq iter.Seq2[Page[T], error]) ([]T, error) {
	var all []T
	for page, err := range seq {
		if err != nil {
			return nil, err
		}
		if all == nil {
			all = page.Items
		} else {
			all = append(all, page.Items...)
		}
	}
	if all == nil {
		all = []T{}
	}
	return all, nil
}
