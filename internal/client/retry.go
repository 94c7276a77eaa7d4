package client

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

const (
	// initialBackoff doubles per retry when the server gives no hint.
	initialBackoff = 500 * time.Millisecond
	// maxBackoff caps the wait after a connection error or a 5xx.
	maxBackoff = 8 * time.Second
	// maxRateLimitBackoff caps the wait after a hint-less 429. The admin
	// endpoints allow about 7-10 requests a minute and send no Retry-After,
	// so a long sweep must be able to wait out a whole window.
	maxRateLimitBackoff = time.Minute
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
}

type attemptsKey struct{}

func attemptsFrom(ctx context.Context) *attempts {
	if st, ok := ctx.Value(attemptsKey{}).(*attempts); ok {
		return st
	}
	return &attempts{}
}

// checkRetry is the retry policy: connection errors, 408, 409, 429 and 5xx
// but 501 are retried, x-should-retry overrides the status, and a retry is
// refused when its wait would exceed the request's total wait budget.
func (c *Client) checkRetry(ctx context.Context, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	st := attemptsFrom(ctx)
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
	c.pace.observe(resp, hint, hinted)
	retry, reason := retryable(resp, err)
	if !retry || st.count > c.maxRetries {
		return false, nil
	}
	wait := hint
	if !hinted {
		wait = c.backoff(st.count-1, resp)
	}
	if st.waited+wait > c.maxRetryWait {
		return false, nil
	}
	st.next, st.reason = wait, reason
	return true, nil
}

func retryable(resp *http.Response, err error) (bool, string) {
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
	case code == http.StatusRequestTimeout, code == http.StatusConflict:
		return true, http.StatusText(code)
	case code >= 500 && code != http.StatusNotImplemented:
		return true, "server error"
	}
	return false, ""
}

// backoff is the wait before retry n (0-based) when the server gives no
// hint: exponential from initialBackoff, with jitter.
func (c *Client) backoff(n int, resp *http.Response) time.Duration {
	ceiling := maxBackoff
	if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		ceiling = maxRateLimitBackoff
	}
	d := ceiling
	if n < 16 {
		d = min(initialBackoff<<n, ceiling)
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
	c.log.Warn(ctx, "retrying OpenAI Admin API request", fields)
	if err := c.clock.Sleep(ctx, st.next); err != nil {
		return err
	}
	st.waited += st.next
	return c.waitTurn(ctx)
}

func noWait(_, _ time.Duration, _ int, _ *http.Response) time.Duration { return 0 }

// passthroughError hands the last response back when retries run out, so it
// becomes an APIError with its status, message and request id.
func passthroughError(resp *http.Response, err error, _ int) (*http.Response, error) {
	return resp, err
}
