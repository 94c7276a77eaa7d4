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

// memo runs each keyed sweep of the API once per provider instance. Terraform
// reads data sources concurrently; callers that arrive while a sweep is under
// way wait for it and share its result. A failed sweep is not kept, so a
// later read tries again.
type memo[T any] struct {
	mu    sync.Mutex
	calls map[string]*memoCall[T]
}

type memoCall[T any] struct {
	done chan struct{}
	val  T
	err  error
}

// do returns fn's result for key, calling fn at most once at a time.
func (m *memo[T]) do(ctx context.Context, key string, fn func(context.Context) (T, error)) (T, error) {
	m.mu.Lock()
	if m.calls == nil {
		m.calls = map[string]*memoCall[T]{}
	}
	call, ok := m.calls[key]
	if !ok {
		call = &memoCall[T]{done: make(chan struct{})}
		m.calls[key] = call
	}
	m.mu.Unlock()

	if ok {
		select {
		case <-call.done:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	} else {
		call.val, call.err = fn(ctx)
		if call.err != nil {
			m.mu.Lock()
			delete(m.calls, key)
			m.mu.Unlock()
		}
		close(call.done)
	}
	if call.err != nil {
		var zero T
		return zero, call.err
	}
	return call.val, nil
}
