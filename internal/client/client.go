// Package client is a small, read-only client for the OpenAI Admin API. It pages
// through whole lists, keeps the API's nulls, and retries through rate limits.
// It knows nothing of Terraform.
package client

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-retryablehttp"
)

// Defaults for the zero values of Config.
const (
	DefaultBaseURL        = "https://api.openai.com/v1"
	DefaultUserAgent      = "terraform-provider-openai"
	DefaultMaxRetries     = 10
	DefaultRequestTimeout = 60 * time.Second
	DefaultMaxRetryWait   = 5 * time.Minute
)

// maxResponseBody guards memory against a runaway response; a page of 100
// keys is a few tens of kilobytes.
const maxResponseBody = 64 << 20

// Logger receives the client's progress and retry messages. The provider
// adapts it to tflog. No message or field ever contains the admin key.
type Logger interface {
	Debug(ctx context.Context, msg string, fields map[string]any)
	// Info is for progress a user may want to follow (TF_LOG=INFO).
	Info(ctx context.Context, msg string, fields map[string]any)
	Warn(ctx context.Context, msg string, fields map[string]any)
}

// Config configures a Client. Only AdminKey is required.
type Config struct {
	// AdminKey is sent as a bearer token, and only to BaseURL's origin.
	AdminKey string
	// BaseURL defaults to DefaultBaseURL. Plain http is refused unless the
	// host is loopback, so the key never crosses a network in clear text.
	BaseURL   string
	UserAgent string
	// MaxRetries is the number of retries after the first attempt of a
	// request: 0 means DefaultMaxRetries, a negative value disables retries.
	MaxRetries int
	// RequestTimeout bounds each attempt; 0 means DefaultRequestTimeout.
	RequestTimeout time.Duration
	// MaxRetryWait caps the total time one request may spend waiting
	// between retries; 0 means DefaultMaxRetryWait.
	MaxRetryWait time.Duration
	// HTTPClient is copied, never modified; nil means a pooled default.
	HTTPClient *http.Client
	Logger     Logger
	// Clock defaults to the real clock; tests pass a fake one.
	Clock Clock
	// Jitter returns a number in [0, 1); it defaults to math/rand.
	Jitter func() float64
	// MaxRequestsPerMinute spaces all requests of the client evenly; 0
	// means no fixed cap, only the spacing learned from 429 responses.
	MaxRequestsPerMinute int
}

// Client talks to the OpenAI Admin API. It is safe for concurrent use.
type Client struct {
	baseURL      string
	path         string
	adminKey     string
	userAgent    string
	maxRetries   int
	maxRetryWait time.Duration
	// requestTimeout bounds one attempt.
	requestTimeout time.Duration
	clock          Clock
	jitter         func() float64
	log            Logger
	pace           *pacer
	http           *retryablehttp.Client
}

// New validates cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.AdminKey == "" {
		return nil, errors.New("an admin key is required")
	}
	if strings.ContainsAny(cfg.AdminKey, " \t\r\n") {
		return nil, errors.New("the admin key contains white space; check that it was copied whole and alone")
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		baseURL:      strings.TrimSuffix(base.String(), "/"),
		path:         strings.TrimSuffix(base.Path, "/"),
		adminKey:     cfg.AdminKey,
		userAgent:    cmp.Or(cfg.UserAgent, DefaultUserAgent),
		maxRetries:   cfg.MaxRetries,
		maxRetryWait: cmp.Or(cfg.MaxRetryWait, DefaultMaxRetryWait),
		clock:        cfg.Clock,
		jitter:       cfg.Jitter,
		log:          cfg.Logger,
	}
	switch {
	case c.maxRetries == 0:
		c.maxRetries = DefaultMaxRetries
	case c.maxRetries < 0:
		c.maxRetries = 0
	}
	if c.clock == nil {
		c.clock = realClock{}
	}
	if c.jitter == nil {
		c.jitter = rand.Float64
	}
	if c.log == nil {
		c.log = nopLogger{}
	}
	c.pace = newPacer(c.clock, cfg.MaxRequestsPerMinute)

	var hc http.Client
	if cfg.HTTPClient != nil {
		hc = *cfg.HTTPClient
	}
	c.requestTimeout = cmp.Or(cfg.RequestTimeout, DefaultRequestTimeout)
	hc.Timeout = c.requestTimeout
	next := hc.Transport
	if next == nil {
		next = pooledTransport
	}
	hc.Transport = &authTransport{next: next, scheme: base.Scheme, host: base.Host, key: cfg.AdminKey}

	c.http = &retryablehttp.Client{
		HTTPClient:   &hc,
		RetryMax:     c.maxRetries,
		CheckRetry:   c.checkRetry,
		Backoff:      noWait,
		PrepareRetry: c.prepareRetry,
		ErrorHandler: passthroughError,
	}
	return c, nil
}

func parseBaseURL(raw string) (*url.URL, error) {
	if raw == "" {
		raw = DefaultBaseURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("the base URL is not a valid URL: %w", err)
	}
	switch {
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return nil, fmt.Errorf("the base URL %q must be an absolute https URL, such as %s", raw, DefaultBaseURL)
	case u.User != nil:
		return nil, errors.New("the base URL must not contain credentials; set the admin key instead")
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("the base URL %q must not have a query or fragment", raw)
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		return nil, fmt.Errorf("the base URL %q uses plain http, which would send the admin key unencrypted; use https (plain http is allowed only for loopback hosts)", raw)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// pooledTransport is Go's default transport with room to keep a connection
// idle for every concurrent sweep: with the default two per host, the
// organization-wide data source's four sweeps would redial (a TLS handshake
// each) on every request past the second, and the pacer's spacing would
// reach the API uneven.
var pooledTransport = func() http.RoundTripper {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		// Replaced by the program: use what it chose.
		return http.DefaultTransport
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = 16
	return t
}()

// authTransport adds the bearer token only to requests for the base URL's
// origin, so a redirect elsewhere never carries the admin key.
type authTransport struct {
	next         http.RoundTripper
	scheme, host string
	key          string
}

func (t *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == t.scheme && strings.EqualFold(req.URL.Host, t.host) {
		req = req.Clone(req.Context())
		req.Header.Set("Authorization", "Bearer "+t.key)
	}
	return t.next.RoundTrip(req)
}

type nopLogger struct{}

func (nopLogger) Debug(context.Context, string, map[string]any) {}
func (nopLogger) Info(context.Context, string, map[string]any)  {}
func (nopLogger) Warn(context.Context, string, map[string]any)  {}

// getJSON sends a GET for path (already escaped, relative to the base URL),
// retrying as the policy allows, and decodes a 2xx body into out. It returns
// the response's request id.
func (c *Client) getJSON(ctx context.Context, path string, query url.Values, out any) (string, error) {
	endpoint := c.baseURL + path
	if len(query) > 0 {
		endpoint += "?" + query.Encode()
	}
	st := &attempts{stats: RateLimitStatsFrom(ctx)}
	req, err := retryablehttp.NewRequestWithContext(context.WithValue(ctx, attemptsKey{}, st), http.MethodGet, endpoint, nil)
	if err != nil {
		return "", fmt.Errorf("building the request for %s: %w", path, err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)

	defer func() {
		if st.stats != nil {
			_, suggested := c.pace.learned()
			st.stats.suggest(suggested)
		}
	}()
	if err := c.waitTurn(req.Context()); err != nil {
		if errors.Is(err, errWaitBudget) {
			return "", c.rateLimitError(path, st, nil)
		}
		return "", fmt.Errorf("GET %s: %w", path, err)
	}
	resp, err := c.http.Do(req)
	// An attempt the retry policy never saw is no longer in flight.
	c.pace.release(st)
	if err != nil {
		if resp != nil {
			_ = resp.Body.Close()
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return "", fmt.Errorf("GET %s: %w", path, ctxErr)
		}
		if errors.Is(err, errWaitBudget) {
			// The pacer refused a retry's wait: the last answer was a 429
			// whose body is gone.
			last := &APIError{StatusCode: st.status, RequestID: st.requestID, Method: http.MethodGet, Path: path, Attempts: st.count}
			return st.requestID, c.rateLimitError(path, st, last)
		}
		return "", c.transportError(path, st, err)
	}
	defer func() { _ = resp.Body.Close() }()

	requestID := resp.Header.Get("x-request-id")
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return requestID, fmt.Errorf("GET %s: reading the response (request id %s): %w", path, requestID, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := newAPIError(resp, body, c.adminKey)
		apiErr.Path = path
		apiErr.Attempts = st.count
		if resp.StatusCode == http.StatusNotFound && !strings.HasSuffix(c.path, "/v1") {
			apiErr.Hint = fmt.Sprintf("the base URL %s does not end in /v1, where the OpenAI API's paths start: "+
				"add /v1 to base_url (or %s), such as %s", c.baseURL, "OPENAI_ADMIN_BASE_URL", DefaultBaseURL)
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			return requestID, c.rateLimitError(path, st, apiErr)
		}
		return requestID, apiErr
	}
	if err := json.Unmarshal(body, out); err != nil {
		return requestID, &DecodeError{Method: http.MethodGet, Path: path, StatusCode: resp.StatusCode, RequestID: requestID, Err: err}
	}
	st.stats.addAnswered()
	return requestID, nil
}

// transportError is the error of a request that never got an answer: the
// host does not resolve, refuses the connection, or every attempt ran out
// of the request timeout; else the transport's error as it is.
func (c *Client) transportError(path string, st *attempts, err error) error {
	host := c.baseURL
	if u, perr := url.Parse(c.baseURL); perr == nil {
		host = u.Host
	}
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return &HostNotFoundError{Host: host, Err: err}
	case errors.Is(err, syscall.ECONNREFUSED):
		return &ConnectionRefusedError{Host: host, Attempts: st.count, Err: err}
	case errors.As(err, &netErr) && netErr.Timeout():
		return &TimeoutError{Method: http.MethodGet, Path: path, Timeout: c.requestTimeout, Attempts: st.count, Err: err}
	}
	return fmt.Errorf("GET %s failed after %d attempt(s): %w", path, st.count, err)
}

// CheckBaseURL reports whether raw ("" for the default) is a base URL that New
// accepts, so configuration can be checked before a client is built.
func CheckBaseURL(raw string) error {
	_, err := parseBaseURL(raw)
	return err
}

// rateLimitError reports a request that rate limits kept from succeeding.
func (c *Client) rateLimitError(path string, st *attempts, last *APIError) *RateLimitError {
	e := &RateLimitError{Method: http.MethodGet, Path: path, Waited: st.waited, Budget: c.maxRetryWait}
	e.LearnedPerMinute, e.SuggestedMaxRequestsPerMinute = c.pace.learned()
	if last != nil {
		e.Err = last
	}
	return e
}

// waitTurn waits for the pacer before an attempt, and says so when the wait
// is long enough to notice.
func (c *Client) waitTurn(ctx context.Context) error {
	wait, err := c.pace.wait(ctx, attemptsFrom(ctx), c.maxRetryWait)
	if wait >= time.Second {
		c.log.Debug(ctx, "paced an OpenAI Admin API request", map[string]any{"wait": wait.String()})
	}
	return err
}
