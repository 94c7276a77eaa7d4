package provider

import (
	"context"
	"strconv"
	"sync"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

// The sweeps every data source reads through, once per provider instance
// and arguments: data sources with the same arguments share one.

// adminAPIKeys sweeps the admin API keys in order.
func (p *providerData) adminAPIKeys(ctx context.Context, order client.Order) ([]client.AdminAPIKey, error) {
	return p.adminKeySweeps.do(ctx, string(order), func(ctx context.Context) ([]client.AdminAPIKey, error) {
		return p.client.ListAdminAPIKeys(ctx, client.ListAdminAPIKeysOptions{Order: order})
	})
}

// projects sweeps the projects.
func (p *providerData) projects(ctx context.Context, opts client.ListProjectsOptions) ([]client.Project, error) {
	return p.projectSweeps.do(ctx, strconv.FormatBool(opts.IncludeArchived), func(ctx context.Context) ([]client.Project, error) {
		return p.client.ListProjects(ctx, opts)
	})
}

// projectAPIKeys sweeps one project's keys with an owner access filter.
func (p *providerData) projectAPIKeys(ctx context.Context, projectID, access string) ([]client.ProjectAPIKey, error) {
	opts := client.ListProjectAPIKeysOptions{OwnerProjectAccess: access}
	return p.projectKeySweeps.do(ctx, projectID+"\x00"+access, func(ctx context.Context) ([]client.ProjectAPIKey, error) {
		return p.client.ListProjectAPIKeys(ctx, projectID, opts)
	})
}

// users sweeps the organization's users.
func (p *providerData) users(ctx context.Context) ([]client.User, error) {
	return p.userSweeps.do(ctx, "", func(ctx context.Context) ([]client.User, error) {
		return p.client.ListUsers(ctx, client.ListUsersOptions{})
	})
}

// memo runs each keyed sweep of the API once per provider instance.
// Terraform reads data sources concurrently; readers that arrive while a
// sweep is under way join it and share its result.
//
// A sweep belongs to no single reader. It runs under a context of its own,
// with the first reader's values (loggers, masks) but none of its
// cancellation or deadline, so that a reader that gives up, or whose errgroup
// gives up for it, never fails another reader that waits for the same sweep.
// Each reader is stopped only by its own context; the sweep is stopped when
// its last reader leaves. A reader that gets the result counts the sweep's
// rate-limit waits as its own. A failed or stopped sweep is not kept, so a
// later read tries again.
type memo[T any] struct {
	mu    sync.Mutex
	calls map[string]*memoCall[T]
	// observe, when set, hears of readers that join a sweep under way or
	// leave one before it ends: acceptance tests order events with it.
	observe func(key string, e sweepEvent)
}

// sweepEvent is what memo.observe hears of.
type sweepEvent int

const (
	sweepJoined sweepEvent = iota
	sweepLeft
)

type memoCall[T any] struct {
	done    chan struct{}
	val     T
	err     error
	readers int
	cancel  context.CancelFunc
	stats   *client.RateLimitStats
	// counted says a reader has counted the sweep's rate-limit stats as its
	// own: the others do not, so that one slow sweep is one "Slow Read"
	// warning, not one per data source that shared it.
	counted bool
}

// do returns fn's result for key, running fn at most once at a time.
func (m *memo[T]) do(ctx context.Context, key string, fn func(context.Context) (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		// A reader that was stopped already starts nothing.
		return zero, err
	}
	m.mu.Lock()
	if m.calls == nil {
		m.calls = map[string]*memoCall[T]{}
	}
	call, joined := m.calls[key]
	if !joined {
		call = m.startLocked(ctx, key, fn)
	}
	call.readers++
	m.mu.Unlock()
	if joined {
		m.notify(key, sweepJoined)
	}

	select {
	case <-call.done:
		return m.result(ctx, call)
	case <-ctx.Done():
		select {
		case <-call.done:
			// Finished as the reader gave up: the result is there, take it.
			return m.result(ctx, call)
		default:
		}
		// What the sweep did so far is how far this read got.
		client.RateLimitStatsFrom(ctx).Add(call.stats.Snapshot())
		m.mu.Lock()
		call.readers--
		if call.readers == 0 {
			call.cancel()
			if m.calls[key] == call {
				delete(m.calls, key)
			}
		}
		m.mu.Unlock()
		m.notify(key, sweepLeft)
		return zero, ctx.Err()
	}
}

// result is a finished sweep's result for one reader, who counts the
// sweep's rate-limit stats as its own unless another reader did.
func (m *memo[T]) result(ctx context.Context, call *memoCall[T]) (T, error) {
	m.mu.Lock()
	first := !call.counted
	call.counted = true
	m.mu.Unlock()
	if first {
		client.RateLimitStatsFrom(ctx).Add(call.stats.Snapshot())
	}
	return call.val, call.err
}

// startLocked starts fn for key in a goroutine of its own, under its own
// context and rate-limit stats.
func (m *memo[T]) startLocked(ctx context.Context, key string, fn func(context.Context) (T, error)) *memoCall[T] {
	stats := &client.RateLimitStats{}
	sweepCtx, cancel := context.WithCancel(client.WithRateLimitStats(context.WithoutCancel(ctx), stats))
	call := &memoCall[T]{done: make(chan struct{}), cancel: cancel, stats: stats}
	m.calls[key] = call
	go func() {
		defer cancel()
		val, err := fn(sweepCtx)
		m.mu.Lock()
		call.val, call.err = val, err
		if err != nil && m.calls[key] == call {
			delete(m.calls, key)
		}
		m.mu.Unlock()
		close(call.done)
	}()
	return call
}

func (m *memo[T]) notify(key string, e sweepEvent) {
	if m.observe != nil {
		m.observe(key, e)
	}
}
