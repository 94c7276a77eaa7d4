package client

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/keycensus/terraform-provider-openai/internal/openaitest"
)

var (
	ok      = &http.Response{StatusCode: http.StatusOK, Header: http.Header{}}
	limited = &http.Response{StatusCode: http.StatusTooManyRequests, Header: http.Header{}}
)

// send takes a turn for a new attempt and fails the test if it had to wait
// longer than want.
func send(t *testing.T, p *pacer, want time.Duration) *attempts {
	t.Helper()
	st := &attempts{}
	d, err := p.wait(context.Background(), st, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if d != want {
		t.Fatalf("waited %s, want %s", d, want)
	}
	return st
}

func (p *pacer) state() (rate float64, epoch int, probing bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.learn.rate, p.learn.epoch, p.learn.probing
}

// TestPacerOneSlowDownPerEvent answers four requests in flight with 429s:
// one congestion event, one probe at a time, and the rate measured from the
// opening burst.
func TestPacerOneSlowDownPerEvent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := openaitest.NewFakeClock(time.Unix(0, 0))
		p := newPacer(clock, 0)

		// Unpaced until the API objects: ten accepted at once.
		for range 10 {
			p.observe(send(t, p, 0), ok, 0, false)
		}
		// The first answer is in, so four go out together, and all are refused.
		var flying []*attempts
		for range 4 {
			flying = append(flying, send(t, p, 0))
		}
		for _, st := range flying {
			p.observe(st, limited, 0, false)
		}
		if _, epoch, probing := p.state(); epoch != 1 || !probing {
			t.Fatalf("epoch %d probing %v after four 429s to requests in flight together, want one event", epoch, probing)
		}
		// Everyone waits for the first probe, 250 ms on; a refused probe doubles
		// the wait, and is not a new event.
		probe := send(t, p, 250*time.Millisecond)
		if !probe.probe {
			t.Fatal("the first request after the hold is not the probe")
		}
		p.observe(probe, limited, 0, false)
		probe = send(t, p, 500*time.Millisecond)
		// While the probe is out, nobody else starts.
		started := make(chan struct{})
		go func() {
			st := &attempts{}
			_, _ = p.wait(context.Background(), st, time.Hour)
			close(started)
		}()
		synctest.Wait()
		select {
		case <-started:
			t.Fatal("a request started while the probe was in flight")
		default:
		}
		p.observe(probe, ok, 0, false)
		<-started
		rate, epoch, probing := p.state()
		if epoch != 1 || probing {
			t.Fatalf("epoch %d probing %v after the probe was accepted", epoch, probing)
		}
		// Ten accepted from 0 s to 0.75 s: about 13 a second.
		if want := 10 / 0.75; rate < want*0.99 || rate > want*1.01 {
			t.Fatalf("rate %.2f/s after the opening burst, want %.2f", rate, want)
		}
	})
}

// TestPacerConvergesOnFixedWindow sweeps a fake that admits 10 requests per
// 10 s, counted in fixed windows and refused without hints: the opening
// burst costs one slow-down, and within 30 requests the learned rate is
// within 25% of the limit's 1 a second, and stays there.
func TestPacerConvergesOnFixedWindow(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(1_800_000_000, 0))
	srv := openaitest.NewServer(openaitest.Options{Clock: clock, RateLimitRequests: 10, RateLimitWindow: 10 * time.Second,
		RateLimitShape: openaitest.FixedWindow})
	t.Cleanup(srv.Close)
	keys := srv.SeedAdminKeys(8_000)
	c, err := New(Config{AdminKey: openaitest.DefaultAdminKey, BaseURL: srv.URL(), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	served, firstEvents := 0, -1
	var rates []float64
	for page, err := range c.AdminAPIKeyPages(context.Background(), ListAdminAPIKeysOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		served = page.Number
		rate, epoch, _ := c.pace.state()
		if rate > 0 && firstEvents < 0 {
			firstEvents = epoch
		}
		if rate > 0 {
			rates = append(rates, rate)
		}
	}
	if served != len(keys)/PageSize {
		t.Fatalf("served %d pages", served)
	}
	if firstEvents != 1 {
		t.Fatalf("the opening burst cost %d slow-downs, want 1", firstEvents)
	}
	for i, r := range rates[30:] {
		if r < 0.75 || r > 1.25 {
			t.Fatalf("request %d after the first slow-down: rate %.2f/s, want 1/s within 25%% (rates %.2f)", 30+i, r, rates)
		}
	}
	elapsed := clock.Now().Sub(time.Unix(1_800_000_000, 0))
	// The floor is 7 windows after the first, 70 s.
	t.Logf("80 pages in %s (floor 70s), %d requests", elapsed, len(srv.Requests()))
	if elapsed > 70*time.Second*5/4 {
		t.Errorf("80 pages took %s, more than 1.25 times the floor of 70s", elapsed)
	}
}

func TestPacerHintsWin(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(0, 0))
	p := newPacer(clock, 0)
	p.observe(send(t, p, 0), ok, 0, false)
	// A hinted 429 holds back whoever asks next, not only the caller that got it.
	p.observe(send(t, p, 0), limited, 5*time.Second, true)
	if _, epoch, _ := p.state(); epoch != 0 {
		t.Fatal("a hinted 429 started a congestion event")
	}
	p.observe(send(t, p, 5*time.Second), ok, 0, false)

	// x-ratelimit headers: 2 left until a reset 3 s away. One answer is
	// pending, so one more may start; then everyone waits for the reset.
	budget := &http.Response{StatusCode: http.StatusOK, Header: http.Header{
		"X-Ratelimit-Limit-Requests":     {"3"},
		"X-Ratelimit-Remaining-Requests": {"2"},
		"X-Ratelimit-Reset-Requests":     {"3s"},
	}}
	left := func(n string) *http.Response {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{
			"X-Ratelimit-Remaining-Requests": {n},
			"X-Ratelimit-Reset-Requests":     {"3s"},
		}}
	}
	flying := send(t, p, 0)
	p.observe(send(t, p, 0), budget, 0, false)
	third := send(t, p, 0)
	// An older answer does not raise the budget; the newest spends it.
	p.observe(flying, left("2"), 0, false)
	p.observe(third, left("0"), 0, false)
	send(t, p, 3*time.Second)
}

// TestPacerCountsABucketsRefill reads the headers of a token bucket of 10
// that refills a request every 250 ms: once spent, it is used as it refills,
// not waited out until full; a 429 to a request sent on a refill stops that.
func TestPacerCountsABucketsRefill(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(0, 0))
	p := newPacer(clock, 0)
	bucket := func(status int, remaining int) *http.Response {
		return &http.Response{StatusCode: status, Header: http.Header{
			"X-Ratelimit-Limit-Requests":     {"10"},
			"X-Ratelimit-Remaining-Requests": {strconv.Itoa(remaining)},
			// The time until full: 250 ms a missing request.
			"X-Ratelimit-Reset-Requests": {(time.Duration(10-remaining) * 250 * time.Millisecond).String()},
		}}
	}
	p.observe(send(t, p, 0), bucket(http.StatusOK, 9), 0, false)
	var burst []*attempts
	for range 9 {
		burst = append(burst, send(t, p, 0))
	}
	// Each answer of the burst moves the reset 250 ms later at once: no
	// window does that.
	for i, st := range burst {
		p.observe(st, bucket(http.StatusOK, 8-i), 0, false)
	}
	for range 3 {
		p.observe(send(t, p, 250*time.Millisecond), bucket(http.StatusOK, 0), 0, false)
	}
	p.observe(send(t, p, 250*time.Millisecond), bucket(http.StatusTooManyRequests, 0), 0, false)
	send(t, p, 2500*time.Millisecond)
}

// TestPacerTellsAWindowFromABucket: a fixed window's new period moves the
// reset a window later while remaining drops, which a bucket's admissions
// also do; only a reset still to come makes a reading comparable.
func TestPacerTellsAWindowFromABucket(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(0, 0))
	p := newPacer(clock, 0)
	window := func(remaining int, reset time.Duration) *http.Response {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{
			"X-Ratelimit-Limit-Requests":     {"10"},
			"X-Ratelimit-Remaining-Requests": {strconv.Itoa(remaining)},
			"X-Ratelimit-Reset-Requests":     {reset.String()},
		}}
	}
	p.observe(send(t, p, 0), window(9, time.Minute), 0, false)
	for range 2 {
		// The last answer of a window, read just before it ends, and the
		// first of the next window's, which already admitted two more.
		clock.Advance(time.Minute - time.Millisecond)
		last, first := send(t, p, 0), send(t, p, 0)
		p.observe(last, window(8, time.Millisecond), 0, false)
		clock.Advance(time.Millisecond)
		p.observe(first, window(7, time.Minute), 0, false)
	}
	// Spent: the next request waits for the window's end, not a tenth of it.
	p.observe(send(t, p, 0), window(0, time.Minute), 0, false)
	send(t, p, time.Minute)
}

// TestPacerIgnoresAnOvertakenReading: the answer to the request that spent a
// bucket is read before an older one; the older says 1 left, but the refill
// is counted from the newer.
func TestPacerIgnoresAnOvertakenReading(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(0, 0))
	p := newPacer(clock, 0)
	bucket := func(remaining int) *http.Response {
		return &http.Response{StatusCode: http.StatusOK, Header: http.Header{
			"X-Ratelimit-Limit-Requests":     {"10"},
			"X-Ratelimit-Remaining-Requests": {strconv.Itoa(remaining)},
			"X-Ratelimit-Reset-Requests":     {(time.Duration(10-remaining) * 250 * time.Millisecond).String()},
		}}
	}
	p.observe(send(t, p, 0), bucket(9), 0, false)
	var burst []*attempts
	for range 9 {
		burst = append(burst, send(t, p, 0))
	}
	for i, st := range burst[:7] {
		p.observe(st, bucket(8-i), 0, false)
	}
	p.observe(burst[8], bucket(0), 0, false)
	p.observe(burst[7], bucket(1), 0, false)
	send(t, p, 250*time.Millisecond)
}

// TestPacerCappedProbesCatchUp: under a cap far above the limit, the first
// probe after a 429 comes one spacing later, and the next as it would
// without the cap.
func TestPacerCappedProbesCatchUp(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(0, 0))
	p := newPacer(clock, 6000)
	for i := range 5 {
		p.observe(send(t, p, time.Duration(min(i, 1))*10100*time.Microsecond), ok, 0, false)
	}
	p.observe(send(t, p, 10100*time.Microsecond), limited, 0, false)
	p.observe(send(t, p, 10100*time.Microsecond), limited, 0, false)
	p.observe(send(t, p, firstProbe), limited, 0, false)
	send(t, p, 2*firstProbe)
}

func TestPacerInFlightCounts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		clock := openaitest.NewFakeClock(time.Unix(0, 0))
		p := newPacer(clock, 0)
		p.observe(send(t, p, 0), &http.Response{StatusCode: http.StatusOK, Header: http.Header{
			"X-Ratelimit-Remaining-Requests": {"2"},
			"X-Ratelimit-Reset-Requests":     {"1m0s"},
		}}, 0, false)
		a, b := send(t, p, 0), send(t, p, 0)
		// Two in flight spend the two left: a third waits for an answer.
		var wg sync.WaitGroup
		wg.Add(1)
		var waited time.Duration
		go func() {
			defer wg.Done()
			waited, _ = p.wait(context.Background(), &attempts{}, time.Hour)
		}()
		synctest.Wait()
		// The answer says nothing is left: the third waits for the reset.
		p.observe(a, &http.Response{StatusCode: http.StatusOK, Header: http.Header{
			"X-Ratelimit-Remaining-Requests": {"0"},
			"X-Ratelimit-Reset-Requests":     {"1m0s"},
		}}, 0, false)
		p.observe(b, ok, 0, false)
		wg.Wait()
		if waited != time.Minute {
			t.Fatalf("the third request waited %s, want the minute to the reset", waited)
		}
	})
}

func TestPacerFloorFromConfiguredCap(t *testing.T) {
	clock := openaitest.NewFakeClock(time.Unix(0, 0))
	p := newPacer(clock, 600)
	for i := range 5 {
		// 100 ms a request, plus the 1% margin.
		want := time.Duration(min(i, 1)) * 101 * time.Millisecond
		p.observe(send(t, p, want), ok, 0, false)
	}
	// A 429 under the cap is looked at again one spacing later, and a
	// learned rate never goes faster than the cap.
	p.observe(send(t, p, 101*time.Millisecond), limited, 0, false)
	probe := send(t, p, 101*time.Millisecond)
	p.observe(probe, ok, 0, false)
	var d time.Duration
	for range 40 {
		st := &attempts{}
		d, _ = p.wait(context.Background(), st, time.Hour)
		if d < 101*time.Millisecond {
			t.Fatalf("waited %s under a cap of 600 a minute", d)
		}
		p.observe(st, ok, 0, false)
	}
	if d != 101*time.Millisecond {
		t.Fatalf("the learned rate climbed back to %s, want the cap's 101ms", d)
	}
	// Nothing is learned past the cap: no request went faster.
	p.observe(send(t, p, 101*time.Millisecond), limited, 0, false)
	p.observe(send(t, p, 101*time.Millisecond), ok, 0, false)
	if perMinute, suggested := p.learned(); perMinute > 600 || suggested > 600 {
		t.Fatalf("learned %.0f a minute and suggested %d under a cap of 600", perMinute, suggested)
	}
}

func TestPacerWaitStopsOnCancel(t *testing.T) {
	p := newPacer(realClock{}, 1) // one request a minute
	if _, err := p.wait(context.Background(), &attempts{}, time.Hour); err != nil {
		t.Fatal(err)
	}
	p.observe(&attempts{}, ok, 0, false)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := p.wait(ctx, &attempts{}, time.Hour); err == nil {
		t.Fatal("a cancelled wait for the next minute returned no error")
	}
}

func TestPacerWaitRefusesPastTheBudget(t *testing.T) {
	p := newPacer(openaitest.NewFakeClock(time.Unix(0, 0)), 1)
	p.observe(send(t, p, 0), ok, 0, false)
	if _, err := p.wait(context.Background(), &attempts{waited: 30 * time.Second}, 80*time.Second); !errors.Is(err, errWaitBudget) {
		t.Fatalf("a wait of a minute with 50 s of budget left: %v, want errWaitBudget", err)
	}
}

func TestParseReset(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"6m0s":    6 * time.Minute,
		"1s":      time.Second,
		"120ms":   120 * time.Millisecond,
		"1m30.5s": 90500 * time.Millisecond,
		"0.5":     500 * time.Millisecond,
		"0s":      0,
	} {
		if got, err := parseReset(in); err != nil || got != want {
			t.Errorf("parseReset(%q) = %s, %v; want %s", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "-1s", "-2"} {
		if _, err := parseReset(in); err == nil {
			t.Errorf("parseReset(%q) accepted", in)
		}
	}
}
