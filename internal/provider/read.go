package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

// defaultReadTimeout bounds a read unless timeouts.read says otherwise. It
// is sized for a large organization under the slowest rate limit reported:
// 10,000 keys in 200 projects take about 300 requests, 43 minutes at the 7
// requests a minute the Admin API has been seen to allow.
const defaultReadTimeout = time.Hour

// timeoutsBlock is every data source's timeouts { read = "..." } block.
func timeoutsBlock(ctx context.Context) schema.Block {
	return timeouts.BlockWithOpts(ctx, timeouts.Opts{
		ReadDescription: fmt.Sprintf("The most the whole read may take, every request, retry and rate-limit wait "+
			"included, as a Go duration such as `\"30m\"` or `\"2h\"`. Defaults to `\"%s\"`: about 420 requests at the 7 "+
			"a minute the Admin API has been seen to allow, enough for an organization of 10,000 keys in 200 projects. "+
			"A read that runs out fails with an error that says how far it got. One request alone may take up to "+
			"`request_timeout` × (`max_retries` + 1), plus at most %s of waits between its attempts.",
			shortDuration(defaultReadTimeout), client.DefaultMaxRetryWait),
	})
}

// shortDuration writes d as a user would, "1h" rather than "1h0m0s".
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// errReadTimedOut is the cause of a read stopped by its timeouts.read.
var errReadTimedOut = errors.New("the read's time limit ran out")

// afterFunc calls f after d unless the returned stop is called first. Tests
// replace it to end a read without waiting for real time.
type afterFunc func(d time.Duration, f func()) (stop func())

func realAfterFunc(d time.Duration, f func()) func() {
	t := time.AfterFunc(d, f)
	return func() { t.Stop() }
}

// beginRead starts the read of the data source named: its time limit from
// the configuration's timeouts.read, and its progress counts. The Read
// defers end with its diagnostics: a read that waited long on rate limits
// says so, and one that ran out of time fails with one error that says it
// timed out and how far it got, in place of what its stopped requests said.
func (p *providerData) beginRead(ctx context.Context, name string, config tfsdk.Config, diags *diag.Diagnostics) (context.Context, func(*diag.Diagnostics)) {
	var tv timeouts.Value
	diags.Append(config.GetAttribute(ctx, path.Root("timeouts"), &tv)...)
	limit, d := tv.Read(ctx, defaultReadTimeout)
	diags.Append(d...)

	ctx, report := watchRateLimits(ctx)
	stats := client.RateLimitStatsFrom(ctx)
	ctx, cancel := context.WithCancelCause(ctx)
	after := p.afterFunc
	if after == nil {
		after = realAfterFunc
	}
	stop := after(limit, func() { cancel(errReadTimedOut) })
	return ctx, func(diags *diag.Diagnostics) {
		stop()
		timedOut := errors.Is(context.Cause(ctx), errReadTimedOut)
		cancel(nil)
		if timedOut && diags.HasError() {
			kept := diags.Warnings()
			kept.Append(readTimedOut(name, limit, stats.Snapshot()))
			*diags = kept
		}
		report(diags)
	}
}

// readTimedOut is the error of a read that ran out of its time limit.
func readTimedOut(name string, limit time.Duration, s client.RateLimitSnapshot) diag.Diagnostic {
	detail := fmt.Sprintf("The read of %s did not finish within timeouts.read = %q (the default is %q). By then it had "+
		"sent %d requests, %d of them answered with a page of results, and its requests had waited %s in all on the "+
		"Admin API's rate limit.\n\n"+
		"Raise the limit on the data source, such as timeouts { read = %q }. If the rate limit takes the time, set "+
		"max_requests_per_minute in the provider configuration a little below the organization's limit. If requests "+
		"hang, lower request_timeout: one request alone may take up to request_timeout × (max_retries + 1), plus at "+
		"most %s of waits between its attempts.",
		name, shortDuration(limit), shortDuration(defaultReadTimeout), s.Requests, s.Answered,
		s.Waited.Round(time.Second), shortDuration(2*limit), client.DefaultMaxRetryWait)
	return diag.NewErrorDiagnostic("OpenAI Admin API Read Timed Out", detail)
}
