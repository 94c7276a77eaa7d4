package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

// apiErrorDiagnostic turns a client error into a diagnostic that says what
// failed, how to fix it, and then the cause: status, API message and request
// id, which OpenAI support asks for.
func apiErrorDiagnostic(action string, err error) diag.Diagnostic {
	var (
		apiErr     *client.APIError
		pageErr    *client.PaginationError
		decErr     *client.DecodeError
		hostErr    *client.HostNotFoundError
		refusedErr *client.ConnectionRefusedError
		timeoutErr *client.TimeoutError
	)
	var summary, detail string
	switch {
	case errors.As(err, &hostErr):
		summary = "OpenAI Admin API Host Not Found"
		detail = fmt.Sprintf("The provider could not %s: the host %s, from base_url (else %s, else the default %s), "+
			"does not resolve. Check it for a typo. A name that does not resolve is not retried.",
			action, hostErr.Host, envBaseURL, client.DefaultBaseURL)
	case errors.As(err, &refusedErr):
		summary = "OpenAI Admin API Connection Refused"
		detail = fmt.Sprintf("The provider could not %s: %s refused the connection on each of %d attempts (a refused "+
			"connection is retried %d times, over about 1.5 s). Check base_url (else %s) and that the server or proxy "+
			"there is running.", action, refusedErr.Host, refusedErr.Attempts, client.MaxConnectionRefusedRetries, envBaseURL)
	case errors.As(err, &timeoutErr):
		summary = "OpenAI Admin API Request Timed Out"
		detail = fmt.Sprintf("The OpenAI Admin API did not answer within request_timeout = %s, on each of %d attempt(s), "+
			"while the provider tried to %s. Raise request_timeout in the provider configuration if the API is slow, or "+
			"check base_url, the network and any proxy.", timeoutErr.Timeout, timeoutErr.Attempts, action)
	case errors.As(err, &pageErr):
		summary = "Inconsistent Pagination From OpenAI Admin API"
		detail = fmt.Sprintf("The provider stopped while trying to %s because the API returned an inconsistent cursor: %s. "+
			"Stopping is deliberate: going on would loop or silently miss keys. Try again; if it persists, "+
			"report the request id to OpenAI support.", action, pageErr.Reason)
	case client.IsMissingScope(err) || client.IsForbidden(err):
		summary = "Insufficient OpenAI Admin Key Permissions"
		detail = fmt.Sprintf("The OpenAI Admin API refused to %s. The admin key needs the api.management.read scope: "+
			"create an admin key with read access to the Admin API in the organization settings and set it in "+
			"admin_key or %s.", action, envAdminKey)
	case client.IsUnauthorized(err):
		summary = "Invalid OpenAI Admin Key"
		detail = fmt.Sprintf("The OpenAI Admin API rejected the admin key while trying to %s. Check that admin_key "+
			"in the provider configuration, or the %s environment variable, holds a current admin key (sk-admin-...) "+
			"of this organization: project keys and revoked keys are refused.", action, envAdminKey)
	case client.IsRateLimited(err):
		summary = "OpenAI Admin API Rate Limit Exceeded"
		detail = fmt.Sprintf("The OpenAI Admin API kept answering 429 Too Many Requests while trying to %s, "+
			"and the retry budget ran out. ", action)
		if rlErr, ok := client.AsRateLimitError(err); ok && rlErr.SuggestedMaxRequestsPerMinute > 0 {
			detail += fmt.Sprintf("The provider learned that the API accepts about %.1f requests a minute: set "+
				"max_requests_per_minute = %d in the provider configuration to pace for that limit from the first "+
				"request. ", rlErr.LearnedPerMinute, rlErr.SuggestedMaxRequestsPerMinute)
		}
		detail += "Run again later, raise max_retries, or lower -parallelism."
	case errors.As(err, &apiErr) && apiErr.StatusCode >= 500:
		summary = "OpenAI Admin API Server Error"
		detail = fmt.Sprintf("The OpenAI Admin API failed while trying to %s, and retries did not help. "+
			"Try again later; OpenAI's status page may show an incident.", action)
	case errors.As(err, &apiErr):
		summary = "OpenAI Admin API Request Failed"
		detail = fmt.Sprintf("The OpenAI Admin API refused to %s.", action)
		if apiErr.Hint != "" {
			detail += " Most likely " + apiErr.Hint + "."
		}
	case errors.As(err, &decErr):
		summary = "Unreadable OpenAI Admin API Response"
		detail = fmt.Sprintf("The OpenAI Admin API answered, but its response could not be read while trying to %s. "+
			"Check that base_url points at the OpenAI API; if it does, try again.", action)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		summary = "OpenAI Admin API Request Cancelled"
		detail = fmt.Sprintf("The provider was stopped before it could %s.", action)
	default:
		summary = "Unable to Reach OpenAI Admin API"
		detail = fmt.Sprintf("The provider could not %s. Check base_url, the network and any proxy settings, then try again.", action)
	}
	return diag.NewErrorDiagnostic(summary, detail+"\n\n"+cause(err))
}

// cause renders the error's facts, one per line.
func cause(err error) string {
	var b strings.Builder
	if apiErr, ok := client.AsAPIError(err); ok {
		fmt.Fprintf(&b, "HTTP status: %d\n", apiErr.StatusCode)
		if apiErr.Message != "" {
			fmt.Fprintf(&b, "API message: %s\n", apiErr.Message)
		}
		if apiErr.Code != "" {
			fmt.Fprintf(&b, "API error code: %s\n", apiErr.Code)
		}
		if apiErr.Attempts > 1 {
			fmt.Fprintf(&b, "Attempts: %d\n", apiErr.Attempts)
		}
	}
	if id := client.RequestIDOf(err); id != "" {
		fmt.Fprintf(&b, "Request ID: %s\n", id)
	}
	if _, ok := client.AsAPIError(err); !ok {
		fmt.Fprintf(&b, "Cause: %s\n", err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// slowReadThreshold is how long the requests of a read may wait on rate
// limits, added up, before the read says so.
const slowReadThreshold = time.Minute

// watchRateLimits returns a context whose requests record what they spend on
// rate limits, and a report to defer: a read that waited more than
// slowReadThreshold ends with a warning saying how long, how many 429s it
// got, and what max_requests_per_minute would have avoided them.
func watchRateLimits(ctx context.Context) (context.Context, func(*diag.Diagnostics)) {
	stats := &client.RateLimitStats{}
	return client.WithRateLimitStats(ctx, stats), func(diags *diag.Diagnostics) {
		s := stats.Snapshot()
		if s.Waited <= slowReadThreshold {
			return
		}
		detail := fmt.Sprintf("The %d requests of this read spent %s in all waiting on the OpenAI Admin API's rate limit "+
			"(the waits of requests made at the same time add up), and received %d 429 Too Many Requests responses.",
			s.Requests, s.Waited.Round(time.Second), s.TooManyRequests)
		if s.SuggestedMaxRequestsPerMinute > 0 {
			detail += fmt.Sprintf(" Set max_requests_per_minute = %d in the provider configuration: the provider then "+
				"spaces its requests under that limit from the first one instead of learning it from 429s.",
				s.SuggestedMaxRequestsPerMinute)
		} else {
			detail += " Set max_requests_per_minute in the provider configuration a little below the organization's " +
				"Admin API limit to space the requests from the first one."
		}
		diags.AddWarning("Slow Read: OpenAI Admin API Rate Limit", detail)
	}
}
