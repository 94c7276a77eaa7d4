package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"
)

// maxErrorBody bounds how much of an unparseable error body reaches a user.
const maxErrorBody = 512

// APIError is an error response from the OpenAI Admin API.
type APIError struct {
	StatusCode int
	Type       string
	Code       string
	Param      string
	Message    string
	// RequestID is the x-request-id header: OpenAI support asks for it.
	RequestID string
	Method    string
	Path      string
	// Attempts is how many times the request was sent, retries included.
	Attempts int
	// Hint, when set, says what most likely caused the error and how to fix
	// it, such as a base URL without /v1 for a 404.
	Hint string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", request id %s", e.RequestID)
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	return b.String()
}

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var apiErr *APIError
	ok := errors.As(err, &apiErr)
	return apiErr, ok
}

func hasStatus(err error, status int) bool {
	apiErr, ok := AsAPIError(err)
	return ok && apiErr.StatusCode == status
}

// IsNotFound reports whether err is a 404 from the API.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsUnauthorized reports whether err is a 401 from the API: a wrong or revoked key,
// or (as OpenAI sometimes answers) a key without the needed scope.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsForbidden reports whether err is a 403 from the API.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsRateLimited reports whether err is a 429 that outlasted the retry budget,
// or a *RateLimitError.
func IsRateLimited(err error) bool {
	_, ok := AsRateLimitError(err)
	return ok || hasStatus(err, http.StatusTooManyRequests)
}

// IsMissingScope reports whether err says the key lacks a scope, whatever the
// status: OpenAI has answered a missing scope with both 401 and 403.
func IsMissingScope(err error) bool {
	apiErr, ok := AsAPIError(err)
	return ok && strings.Contains(strings.ToLower(apiErr.Message), "missing scopes")
}

// DecodeError is a successful response whose body could not be decoded.
type DecodeError struct {
	Method, Path string
	StatusCode   int
	RequestID    string
	Err          error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("%s %s: decoding the %d response (request id %s): %v",
		e.Method, e.Path, e.StatusCode, e.RequestID, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// PaginationError reports a list response that would make paging loop or skip
// keys: the cursor did not advance, a page was empty while more were promised,
// an element had no id, or the page cap was reached.
type PaginationError struct {
	Path      string
	Page      int
	Cursor    string
	Reason    string
	RequestID string
}

func (e *PaginationError) Error() string {
	return fmt.Sprintf("listing %s: page %d (after %q): %s (request id %s)",
		e.Path, e.Page, e.Cursor, e.Reason, e.RequestID)
}

// RequestIDOf returns the API request id carried by err, or "".
func RequestIDOf(err error) string {
	var apiErr *APIError
	var decErr *DecodeError
	var pageErr *PaginationError
	switch {
	case errors.As(err, &apiErr):
		return apiErr.RequestID
	case errors.As(err, &decErr):
		return decErr.RequestID
	case errors.As(err, &pageErr):
		return pageErr.RequestID
	}
	return ""
}

// errorEnvelope is {"error": {...}}, or the bare {"error": "..."} form that
// some endpoints send.
type errorEnvelope struct {
	Error json.RawMessage `json:"error"`
}

type errorBody struct {
	Message string          `json:"message"`
	Type    string          `json:"type"`
	Param   json.RawMessage `json:"param"`
	Code    json.RawMessage `json:"code"`
}

// newAPIError builds the error for a non-2xx response. The admin key is
// redacted from every text that came from the server.
func newAPIError(resp *http.Response, body []byte, secret string) *APIError {
	e := &APIError{
		StatusCode: resp.StatusCode,
		RequestID:  resp.Header.Get("x-request-id"),
	}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		e.Path = resp.Request.URL.Path
	}
	var env errorEnvelope
	if err := json.Unmarshal(body, &env); err == nil && len(env.Error) > 0 {
		var eb errorBody
		var bare string
		switch {
		case json.Unmarshal(env.Error, &eb) == nil:
			e.Message, e.Type = eb.Message, eb.Type
			e.Param, e.Code = scalarString(eb.Param), scalarString(eb.Code)
		case json.Unmarshal(env.Error, &bare) == nil:
			e.Message = bare
		}
	}
	if e.Message == "" && e.Type == "" && e.Code == "" {
		// Redact before truncating, so no prefix of the key survives a cut.
		e.Message = truncate(redact(string(bytes.TrimSpace(body)), secret), maxErrorBody)
	}
	e.Message = redact(e.Message, secret)
	e.Param = redact(e.Param, secret)
	return e
}

// scalarString renders a JSON string, number or null as plain text.
func scalarString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if t := string(bytes.TrimSpace(raw)); t != "null" {
		return t
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func redact(s, secret string) string {
	if secret == "" || s == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, "[REDACTED]")
}

// TimeoutError reports a request whose attempts each ran out of the request
// timeout before the API answered.
type TimeoutError struct {
	Method, Path string
	// Timeout is the limit of one attempt; Attempts how many were sent.
	Timeout  time.Duration
	Attempts int
	Err      error
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("%s %s: no answer within the request timeout of %s, %d attempt(s): %v", e.Method, e.Path, e.Timeout, e.Attempts, e.Err)
}

func (e *TimeoutError) Unwrap() error { return e.Err }

// HostNotFoundError reports a base URL whose host does not resolve: no
// retry can fix it.
type HostNotFoundError struct {
	Host string
	Err  error
}

func (e *HostNotFoundError) Error() string {
	return fmt.Sprintf("the host %s does not resolve: %v", e.Host, e.Err)
}

func (e *HostNotFoundError) Unwrap() error { return e.Err }

// ConnectionRefusedError reports a base URL where nothing listens: every
// attempt, MaxConnectionRefusedRetries retries included, was refused.
type ConnectionRefusedError struct {
	Host     string
	Attempts int
	Err      error
}

func (e *ConnectionRefusedError) Error() string {
	return fmt.Sprintf("%s refused the connection, %d attempt(s): %v", e.Host, e.Attempts, e.Err)
}

func (e *ConnectionRefusedError) Unwrap() error { return e.Err }
