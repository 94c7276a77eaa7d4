package client

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// The retry policy's waits, exported so that the provider's documentation
// is built from them.
const (
	// InitialBackoff doubles per retry after a connection error or a server
	// error when the server gives no hint.
	InitialBackoff = 500 * time.Millisecond
	// MaxBackoff caps the wait after a connection error or a server error.
	MaxBackoff = 8 * time.Second
	// MaxConnectionRefusedRetries bounds the retries of a request whose
	// connection is refused: a restarting proxy recovers within that (0.5 s
	// and 1 s of backoff), and a stopped API fails in under 2 s, not after
	// every retry's backoff.
	MaxConnectionRefusedRetries = 2
)

// retriedStatuses are retried besides the server errors; a server error is
// retried unless it is notRetriedStatus, which no retry changes.
var retriedStatuses = []int{http.StatusRequestTimeout, http.StatusConflict, http.StatusTooManyRequests}

const notRetriedStatus = http.StatusNotImplemented

// RetriedStatuses names the statuses a request is retried after, for the
// provider's documentation: "408, 409, 429 or 5xx except 501".
func RetriedStatuses() string {
	codes := make([]string, len(retriedStatuses))
	for i, code := range retriedStatuses {
		codes[i] = strconv.Itoa(code)
	}
	return fmt.Sprintf("%s or 5xx except %d", strings.Join(codes, ", "), notRetriedStatus)
}

const (
	// maxJitter is the largest fraction taken off a computed wait, so that
	// concurrent callers do not retry in lockstep.
	maxJitter = 0.25
)

// attempts is one request's retry bookkeeping, carried in its context so
// that retryablehttp's hooks can share it.
type attempts struct {
	count     int           // attempts sent so far
	waited    time.Duration // total wait so far
	next      time.Duration // wait before the next attempt
	status    int           // status of the last attempt, 0 for a connection error
	requestID string
	reason    string
	// paced says the next attempt waits in the pacer, not in prepareRetry.
	paced bool
	// rateLimited says the last attempt was a 429.
	rateLimited bool
	// refused counts the attempts whose connection was refused.
	refused int

	// The pacer's view of the attempt.
	ticket

	stats *RateLimitStats
}

type attemptsKey struct{}

func attemptsFrom(ctx context.Context) *attempts {
	if st, ok := ctx.Value(attemptsKey{}).(*attempts); ok {
		return st
	}
	return &attempts{}
}

// checkRetry is the retry policy: connection errors and RetriedStatuses are
// retried, x-should-retry overrides the status, and a retry is
// refused when its wait would exceed the request's total wait budget.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	st := attemptsFrom(ctx)
	if ctxErr := ctx.Err(); ctxErr != nil {
		c.pace.release(st)
		return false, ctxErr
	}
	st.count++
	st.status, st.requestID = 0, ""
	if resp != nil {
		st.status, st.requestID = resp.StatusCode, resp.Header.Get("x-request-id")
	}
	var hint time.Duration
	var hinted bool
	if resp != nil {
		hint, hinted = retryAfter(resp.Header, c.clock.Now())
	}
	c.pace.observe(st, resp, hint, hinted)
	st.rateLimited = resp != nil && resp.StatusCode == http.StatusTooManyRequests
	retry, reason := retryable(resp, err)
	if errors.Is(err, syscall.ECONNREFUSED) {
		st.refused++
		retry = retry && st.refused <= MaxConnectionRefusedRetries
	}
	if !retry || st.count > c.maxRetries {
		return false, nil
	}
	wait, paced := hint, false
	switch {
	case hinted:
	case st.rateLimited:
		// The pacer holds every caller after a hint-less 429 and lets one
		// probe at a time; this request waits there, with the others.
		wait, paced = c.pace.holdLeft(), true
	default:
		wait = c.backoff(st.count - 1)
	}
	if st.waited+wait > c.maxRetryWait {
		return false, nil
	}
	st.next, st.reason, st.paced = wait, reason, paced
	return true, nil
}

func retryable(resp *http.Response, err error) (bool, string) {
	if dnsErr := (*net.DNSError)(nil); errors.As(err, &dnsErr) && dnsErr.IsNotFound {
		// The name does not exist: asking again gives the same answer.
		return false, ""
	}
	if err != nil {
		// retryablehttp knows which transport errors are permanent (bad
		// scheme, TLS verification, too many redirects).
		retry, _ := retryablehttp.DefaultRetryPolicy(context.Background(), nil, err)
		return retry, "connection error"
	}
	switch resp.Header.Get("x-should-retry") {
	case "true":
		return true, "the server asked for a retry"
	case "false":
		return false, ""
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		return true, "rate limited"
	case slices.Contains(retriedStatuses, code):
		return true, http.StatusText(code)
	case code >= 500 && code != notRetriedStatus:
		return true, "server error"
	}
	return false, ""
}

// backoff is the wait before retry n (0-based) after a connection error or
// a server error: exponential from InitialBackoff, with jitter. Hint-less
// 429s wait in the pacer instead.
func (c *Client) backoff(n int) time.Duration {
	d := MaxBackoff
	if n < 16 {
		d = min(InitialBackoff<<n, MaxBackoff)
	}
	return d - time.Duration(float64(d)*maxJitter*c.jitter())
}

// retryAfter reads retry-after-ms (milliseconds, may be fractional), else
// retry-after (seconds or an HTTP date).
func retryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("retry-after-ms"); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && !math.IsInf(ms, 0) {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := h.Get("retry-after")
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && !math.IsInf(s, 0) {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// prepareRetry logs the retry and waits for it on the client's clock.
// retryablehttp would wait on a real timer; Backoff returns 0 so that all
// waiting happens here, cancellable and testable.
func (c *Client) prepareRetry(req *http.Request) error {
	ctx := req.Context()
	st := attemptsFrom(ctx)
	fields := map[string]any{
		"method":       req.Method,
		"path":         req.URL.Path,
		"attempt":      st.count,
		"max_attempts": c.maxRetries + 1,
		"wait":         st.next.String(),
		"reason":       st.reason,
		"request_id":   st.requestID,
	}
	if st.status != 0 {
		fields["status"] = st.status
	}
	if st.rateLimited {
		// What the pacer learned, so that a slow read explains itself.
		if perMinute, suggested := c.pace.learned(); perMinute > 0 {
			fields["learned_requests_per_minute"] = math.Round(perMinute*10) / 10
			fields["suggested_max_requests_per_minute"] = suggested
		}
	}
	c.log.Warn(ctx, "retrying OpenAI Admin API request", fields)
	if !st.paced {
		if err := c.clock.Sleep(ctx, st.next); err != nil {
			return err
		}
		st.waited += st.next
		if st.rateLimited {
			st.stats.addWait(st.next)
		}
	}
	return c.waitTurn(ctx)
}

func noWait(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 }

// passthroughError hands the last response back when retries run out, so it
// becomes an APIError with its status, message and request id.
func passthroughError(resp *http.Response, err error, _ int) (*http.Response, error) {
	return resp, err
}
