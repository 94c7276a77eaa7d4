package provider

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

// sweepStub is a sweep that blocks until released, or until its context ends.
type sweepStub struct {
	calls   int
	release chan struct{}
}

func newSweepStub() *sweepStub { return &sweepStub{release: make(chan struct{})} }

func (s *sweepStub) fn(ctx context.Context) (int, error) {
	s.calls++
	select {
	case <-s.release:
		return 42, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

type memoResult struct {
	val int
	err error
}

// goDo calls m.do for the key "k" in a goroutine and returns where its
// result arrives.
func goDo(ctx context.Context, m *memo[int], fn func(context.Context) (int, error)) <-chan memoResult {
	out := make(chan memoResult, 1)
	go func() {
		v, err := m.do(ctx, "k", fn)
		out <- memoResult{v, err}
	}()
	return out
}

// A read that joined a sweep gets its result though the read that started
// the sweep was cancelled: only a reader's own context stops it.
func TestMemoJoinerOutlivesTheStarter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m memo[int]
		sweep := newSweepStub()
		starterCtx, cancelStarter := context.WithCancel(context.Background())
		starter := goDo(starterCtx, &m, sweep.fn)
		synctest.Wait()
		joiner := goDo(context.Background(), &m, sweep.fn)
		synctest.Wait()

		cancelStarter()
		if r := <-starter; !errors.Is(r.err, context.Canceled) {
			t.Fatalf("the cancelled starter got %v, %v; want context.Canceled", r.val, r.err)
		}
		synctest.Wait()
		select {
		case r := <-joiner:
			t.Fatalf("the joiner ended with %v, %v before the sweep did", r.val, r.err)
		default:
		}
		close(sweep.release)
		if r := <-joiner; r.err != nil || r.val != 42 {
			t.Fatalf("the joiner got %v, %v; want 42", r.val, r.err)
		}
		if sweep.calls != 1 {
			t.Fatalf("the sweep ran %d times, want once", sweep.calls)
		}
	})
}

// A joiner's own deadline stops it, and only it.
func TestMemoJoinerDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m memo[int]
		sweep := newSweepStub()
		starter := goDo(context.Background(), &m, sweep.fn)
		synctest.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		joiner := goDo(ctx, &m, sweep.fn)
		time.Sleep(time.Minute) // The bubble's clock: no real time passes.
		if r := <-joiner; !errors.Is(r.err, context.DeadlineExceeded) {
			t.Fatalf("the joiner got %v, %v; want its deadline", r.val, r.err)
		}
		close(sweep.release)
		if r := <-starter; r.err != nil || r.val != 42 {
			t.Fatalf("the starter got %v, %v; want 42", r.val, r.err)
		}
	})
}

// When every reader has left, the sweep is stopped and forgotten: the next
// read starts afresh instead of joining a cancelled sweep.
func TestMemoStopsASweepNobodyWaitsFor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m memo[int]
		first := newSweepStub()
		ctx1, cancel1 := context.WithCancel(context.Background())
		ctx2, cancel2 := context.WithCancel(context.Background())
		r1 := goDo(ctx1, &m, first.fn)
		synctest.Wait()
		r2 := goDo(ctx2, &m, first.fn)
		synctest.Wait()
		cancel1()
		<-r1
		synctest.Wait()
		if first.calls != 1 {
			t.Fatalf("%d sweeps", first.calls)
		}
		cancel2()
		<-r2
		synctest.Wait() // The sweep sees its context end and returns.

		second := newSweepStub()
		close(second.release)
		if v, err := m.do(context.Background(), "k", second.fn); err != nil || v != 42 || second.calls != 1 {
			t.Fatalf("after every reader left: %v, %v with %d new sweeps; want a new sweep's 42", v, err, second.calls)
		}
	})
}

// A failed sweep fails every reader that waited for it, and is not kept.
func TestMemoForgetsAFailedSweep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m memo[int]
		boom := errors.New("boom")
		release := make(chan struct{})
		failing := func(context.Context) (int, error) { <-release; return 0, boom }
		r1 := goDo(context.Background(), &m, failing)
		synctest.Wait()
		r2 := goDo(context.Background(), &m, failing)
		synctest.Wait()
		close(release)
		for _, r := range []<-chan memoResult{r1, r2} {
			if got := <-r; !errors.Is(got.err, boom) {
				t.Fatalf("got %v, want the sweep's error", got.err)
			}
		}
		if v, err := m.do(context.Background(), "k", func(context.Context) (int, error) { return 7, nil }); err != nil || v != 7 {
			t.Fatalf("after a failure: %v, %v; want a new sweep", v, err)
		}
	})
}

// A read that is already cancelled starts nothing.
func TestMemoCancelledReadStartsNoSweep(t *testing.T) {
	var m memo[int]
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	called := false
	if _, err := m.do(ctx, "k", func(context.Context) (int, error) { called = true; return 0, nil }); !errors.Is(err, context.Canceled) || called {
		t.Fatalf("error %v, sweep called %v; want context.Canceled and no sweep", err, called)
	}
}

// One reader of a shared sweep counts the sweep's rate-limit waits in its
// report, and only one: a slow sweep that two data sources share is one
// "Slow Read" warning, not two.
func TestMemoCountsASweepsRateLimitStatsOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m memo[int]
		release := make(chan struct{})
		sweep := func(ctx context.Context) (int, error) {
			<-release
			client.RateLimitStatsFrom(ctx).Add(client.RateLimitSnapshot{Waited: 90 * time.Second, TooManyRequests: 3, Requests: 5, SuggestedMaxRequestsPerMinute: 8})
			return 1, nil
		}
		var a, b client.RateLimitStats
		ra := goDo(client.WithRateLimitStats(context.Background(), &a), &m, sweep)
		synctest.Wait()
		rb := goDo(client.WithRateLimitStats(context.Background(), &b), &m, sweep)
		synctest.Wait()
		close(release)
		<-ra
		<-rb
		want := client.RateLimitSnapshot{Waited: 90 * time.Second, TooManyRequests: 3, Requests: 5, SuggestedMaxRequestsPerMinute: 8}
		starter, joiner := a.Snapshot(), b.Snapshot()
		if (starter == want) == (joiner == want) || (starter != want && starter != (client.RateLimitSnapshot{})) ||
			(joiner != want && joiner != (client.RateLimitSnapshot{})) {
			t.Errorf("the starter's stats are %+v and the joiner's %+v: want the sweep's %+v in exactly one", starter, joiner, want)
		}
	})
}

// A reader whose context ends as its sweep finishes still gets the finished
// result. Both are ready when the reader waits, so without the memo's second
// look at the sweep, select would pick the cancellation about half the time:
// 64 rounds make a miss near certain.
func TestMemoFinishedSweepWinsOverASimultaneousCancel(t *testing.T) {
	for range 64 {
		synctest.Test(t, finishAsCancelled)
	}
}

func finishAsCancelled(t *testing.T) {
	var m memo[int]
	sweep := newSweepStub()
	readerCtx, cancelReader := context.WithCancel(context.Background())
	// The hook runs in the joining reader, after it joined and before it
	// waits: there, the sweep finishes and the reader is cancelled.
	m.observe = func(key string, e sweepEvent) {
		if e != sweepJoined {
			return
		}
		m.mu.Lock()
		call := m.calls[key]
		m.mu.Unlock()
		cancelReader()
		close(sweep.release)
		<-call.done
	}
	starter := goDo(context.Background(), &m, sweep.fn)
	synctest.Wait() // The starter's sweep is under way: the reader joins it.
	if v, err := m.do(readerCtx, "k", sweep.fn); err != nil || v != 42 {
		t.Fatalf("the reader got %v, %v; want the finished sweep's 42", v, err)
	}
	if r := <-starter; r.err != nil || r.val != 42 {
		t.Fatalf("the starter got %v, %v; want 42", r.val, r.err)
	}
}
