package client

import (
	"context"
	"fmt"
	"iter"
	"net/http"
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
	// progressEvery is how many pages pass between progress lines at INFO.
	progressEvery = 10
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

// listResponse is a list page. The schema requires data and has_more: Data is
// nil when data is absent or null (an empty array decodes as empty, not nil),
// and HasMore is a pointer, so that a page without them is an error rather
// than an early end.
type listResponse[T any] struct {
	Data    []T     `json:"data"`
	FirstID *string `json:"first_id"`
	LastID  *string `json:"last_id"`
	HasMore *bool   `json:"has_more"`
}

type listing[T any] struct {
	path     string
	query    url.Values
	maxPages int
	id       func(*T) string
	// check names a required field the element lacks, or returns "".
	check func(*T) string
}

// pages walks a list page by page. The next page starts after the id of the
// last element, the cursor the API defines ("ending with obj_foo, your
// subsequent call can include after=obj_foo"). last_id is optional and
// nullable, so it only cross-checks and never ends a list. A page that
// promises more either leads to the next page or ends in a *PaginationError:
// a list never stops early without an error, and never loops.
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
			if resp.Data == nil || resp.HasMore == nil {
				yield(Page[T]{}, &DecodeError{Method: http.MethodGet, Path: l.path, StatusCode: http.StatusOK, RequestID: requestID,
					Err: fmt.Errorf("page %d has no data or no has_more, which the API schema requires", n)})
				return
			}
			more := *resp.HasMore
			for i := range resp.Data {
				if l.id(&resp.Data[i]) == "" {
					fail(fmt.Sprintf("element %d of the page has no id", i+1), requestID)
					return
				}
				if l.check != nil {
					if field := l.check(&resp.Data[i]); field != "" {
						yield(Page[T]{}, &DecodeError{Method: http.MethodGet, Path: l.path, StatusCode: http.StatusOK, RequestID: requestID,
							Err: fmt.Errorf("element %d of page %d (id %q) has no %s, which the API schema requires", i+1, n, l.id(&resp.Data[i]), field)})
						return
					}
				}
			}
			total += len(resp.Data)
			next := ""
			if len(resp.Data) > 0 {
				next = l.id(&resp.Data[len(resp.Data)-1])
			}
			c.log.Debug(ctx, "listed a page", map[string]any{
				"path": l.path, "page": n, "items": len(resp.Data), "total": total,
				"after": cursor, "has_more": more, "request_id": requestID,
			})
			if n%progressEvery == 0 {
				c.log.Info(ctx, "listing progress", map[string]any{"path": l.path, "pages": n, "items": total})
			}
			if resp.LastID != nil && next != "" && *resp.LastID != next {
				// The cursor that the API defines wins; a disagreeing
				// last_id is worth a note, not a stop.
				c.log.Warn(ctx, "the page's last_id is not the id of its last element; paging after the last element", map[string]any{
					"path": l.path, "page": n, "last_id": *resp.LastID, "last_element_id": next, "request_id": requestID,
				})
			}
			if more && len(resp.Data) == 0 {
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

// requireCreatedAt names created_at when it is missing. Every object the
// client lists requires it, and nothing was created at the Unix epoch, so 0
// means absent or null: mapping it would date a key to 1970.
func requireCreatedAt(createdAt int64) string {
	if createdAt <= 0 {
		return "created_at"
	}
	return ""
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
