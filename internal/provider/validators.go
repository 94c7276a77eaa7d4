package provider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

// maxRequestTimeout keeps a typo such as "300m" from hanging a plan for hours.
const maxRequestTimeout = time.Hour

// durationValidator accepts a positive Go duration up to maxRequestTimeout.
type durationValidator struct{}

var _ validator.String = durationValidator{}

func (durationValidator) Description(context.Context) string {
	return fmt.Sprintf("value must be a positive Go duration, such as \"30s\" or \"2m\", of at most %s", maxRequestTimeout)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := req.ConfigValue.ValueString()
	d, err := time.ParseDuration(raw)
	if err != nil || d <= 0 || d > maxRequestTimeout {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Request Timeout",
			fmt.Sprintf("%q is not a usable timeout: the %s.", raw, v.Description(ctx)))
	}
}

// baseURLValidator checks a configured base URL with the client's own rules.
type baseURLValidator struct{}

var _ validator.String = baseURLValidator{}

func (baseURLValidator) Description(context.Context) string {
	return "value must be an absolute https URL (plain http only for a loopback host)"
}

func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := client.CheckBaseURL(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid OpenAI Base URL",
			fmt.Sprintf("The base URL cannot be used: %s.", err))
	}
}

// idValidator refuses an empty or blank id before any request: the API would
// answer with a listing or a 404 that names nothing, and a blank id is always
// a mistake in the configuration, such as an unset variable.
type idValidator struct {
	// noun names what the id identifies, example is one, and source says
	// where a valid one comes from.
	noun, example, source string
}

var _ validator.String = idValidator{}

func (v idValidator) Description(context.Context) string {
	return fmt.Sprintf("value must be the id of %s, such as %q: not empty or blank", v.noun, v.example)
}

func (v idValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v idValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if strings.TrimSpace(req.ConfigValue.ValueString()) == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Empty OpenAI ID",
			fmt.Sprintf("%s is %q, which cannot name %s: nothing was requested from the API. Set it to the id of %s, "+
				"such as %q; %s.", req.Path, req.ConfigValue.ValueString(), v.noun, v.noun, v.example, v.source))
	}
}
