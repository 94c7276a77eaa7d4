package openaitest

import "sync"

// Gate holds the requests of a Fault until a test opens it, so that a test
// can order what the client does without waiting in real time: it learns
// when requests arrive, opens the gate when it is ready, and learns whether a
// held request was given up by its client instead.
type Gate struct {
	open, abandoned       chan struct{}
	openOnce, abandonOnce sync.Once

	mu       sync.Mutex
	arrived  int
	awaiting []arrivals
}

type arrivals struct {
	n    int
	done chan struct{}
}

// NewGate returns a closed gate.
func NewGate() *Gate {
	return &Gate{open: make(chan struct{}), abandoned: make(chan struct{})}
}

// Arrived is closed once a request reaches the gate.
func (g *Gate) Arrived() <-chan struct{} { return g.Arrivals(1) }

// Arrivals is closed once n requests have reached the gate.
func (g *Gate) Arrivals(n int) <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	a := arrivals{n: n, done: make(chan struct{})}
	if g.arrived >= n {
		close(a.done)
	} else {
		g.awaiting = append(g.awaiting, a)
	}
	return a.done
}

// Abandoned is closed once a held request ends, cancelled by its client or
// by the server's Close, before the gate opened.
func (g *Gate) Abandoned() <-chan struct{} { return g.abandoned }

// Open lets every held request, and every later one, through.
func (g *Gate) Open() { g.openOnce.Do(func() { close(g.open) }) }

// hold counts an arrival, then waits until the gate opens or done is closed;
// it reports whether the gate opened.
func (g *Gate) hold(done <-chan struct{}) bool {
	g.mu.Lock()
	g.arrived++
	kept := g.awaiting[:0]
	for _, a := range g.awaiting {
		if g.arrived >= a.n {
			close(a.done)
		} else {
			kept = append(kept, a)
		}
	}
	g.awaiting = kept
	g.mu.Unlock()
	select {
	case <-g.open:
		return true
	case <-done:
		select {
		case <-g.open:
			return true
		default:
		}
		g.abandonOnce.Do(func() { close(g.abandoned) })
		return false
	}
}
