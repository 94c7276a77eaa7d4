package provider

import (
	"context"
	"sync"
)

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
