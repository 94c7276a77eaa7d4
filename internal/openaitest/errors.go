package openaitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"unicode/utf8"
)

// apiError is a response in the API's error envelope.
type apiError struct {
	status  int
	message string
	typ     string
	param   *string
	code    *string
}

func (e *apiError) body() []byte {
	type inner struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	}
	b, err := json.Marshal(struct {
		Error inner `json:"error"`
	}{inner{e.message, e.typ, e.param, e.code}})
	if err != nil {
		panic(fmt.Sprintf("openaitest: encode error envelope: %v", err))
	}
	return b
}

// statusError is the envelope the real API sends for status, as far as it has
// been seen; message, when not empty, replaces the default message.
func statusError(status int, message string) *apiError {
	e := &apiError{status: status, typ: "invalid_request_error"}
	switch {
	case status == http.StatusUnauthorized:
		e.code = ptr("invalid_api_key")
		e.message = "Incorrect API key provided."
	case status == http.StatusNotFound:
		e.code = ptr("not_found")
		e.message = "Not found."
	case status == http.StatusTooManyRequests:
		e.typ = "requests"
		e.code = ptr("rate_limit_exceeded")
		e.message = "Rate limit reached for admin API requests per min (RPM)."
	case status == http.StatusServiceUnavailable:
		e.typ = "server_error"
		e.message = "The server is overloaded or not ready yet."
	case status >= 500:
		e.typ = "server_error"
		e.message = "The server had an error while processing your request. Sorry about that!"
	default:
		e.message = http.StatusText(status)
		if e.message == "" {
			e.message = fmt.Sprintf("HTTP %d.", status)
		} else {
			e.message += "."
		}
	}
	if message != "" {
		e.message = message
	}
	return e
}

// authError answers a missing or wrong bearer token. The presented key is
// masked so that a leaked test log never holds a whole key.
func authError(header string) *apiError {
	e := statusError(http.StatusUnauthorized, "")
	token, ok := cutBearer(header)
	if !ok || token == "" {
		e.message = "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username."
		if header != "" {
			e.message = "Incorrect API key provided: " + maskKey(header) + ". You can find your API key at https://platform.openai.com/account/api-keys."
		}
		return e
	}
	e.message = "Incorrect API key provided: " + maskKey(token) + ". You can find your API key at https://platform.openai.com/account/api-keys."
	return e
}

func cutBearer(header string) (string, bool) {
	const prefix = "bearer "
	if len(header) < len(prefix) {
		return "", false
	}
	for i := 0; i < len(prefix); i++ {
		c := header[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return "", false
		}
	}
	return header[len(prefix):], true
}

// maskKey keeps at most a quarter of the key, and never more than six
// characters, followed by a fixed run of stars that does not reveal its length.
func maskKey(key string) string {
	keep := min(6, utf8.RuneCountInString(key)/4)
	n, i := 0, 0
	for i < len(key) && n < keep {
		_, size := utf8.DecodeRuneInString(key[i:])
		i += size
		n++
	}
	return key[:i] + "****"
}

func invalidURL(r *http.Request) *apiError {
	e := statusError(http.StatusNotFound, fmt.Sprintf("Invalid URL (%s %s)", r.Method, r.URL.Path))
	e.code = nil
	return e
}

func methodNotAllowed(r *http.Request) *apiError {
	return statusError(http.StatusMethodNotAllowed, fmt.Sprintf("Invalid method for URL (%s %s)", r.Method, r.URL.Path))
}

func invalidParam(param, code, message string) *apiError {
	return &apiError{
		status:  http.StatusBadRequest,
		message: message,
		typ:     "invalid_request_error",
		param:   ptr(param),
		code:    ptr(code),
	}
}
