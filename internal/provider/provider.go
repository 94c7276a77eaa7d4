// Package provider implements the openai Terraform provider: schemas, models,
// mapping and diagnostics. All HTTP lives in internal/client.
package provider

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

// Environment variables the provider reads when its configuration is silent.
const (
	envAdminKey = "OPENAI_ADMIN_KEY"
	envBaseURL  = "OPENAI_ADMIN_BASE_URL"
)

// envSDKBaseURL is the official SDKs' base URL for inference traffic, often
// pointed at a gateway. The provider never reads it: the admin key must not
// follow it there.
const envSDKBaseURL = "OPENAI_BASE_URL"

var (
	_ provider.Provider              = (*openaiProvider)(nil)
	_ provider.ProviderWithFunctions = (*openaiProvider)(nil)
)

// openaiProvider is the openai provider. One instance serves one Terraform
// run, so the API sweeps it memoizes are fresh for every plan.
type openaiProvider struct {
	version string
	// clientConfig lets tests inject a fake clock, jitter and HTTP client.
	clientConfig client.Config
	// maxListItems overrides defaultMaxListItems in tests.
	maxListItems int
	// observeSweeps, set by tests, hears of reads that join or leave a
	// shared sweep.
	observeSweeps func(key string, e sweepEvent)
	// afterFunc, set by tests, arms each read's time limit; nil is real time.
	afterFunc afterFunc
}

type providerModel struct {
	AdminKey             types.String `tfsdk:"admin_key"`
	BaseURL              types.String `tfsdk:"base_url"`
	MaxRetries           types.Int64  `tfsdk:"max_retries"`
	RequestTimeout       types.String `tfsdk:"request_timeout"`
	MaxRequestsPerMinute types.Int64  `tfsdk:"max_requests_per_minute"`
}

// providerData is what Configure hands to every data source.
type providerData struct {
	client       *client.Client
	maxListItems int
	// afterFunc arms each read's time limit: realAfterFunc when nil.
	afterFunc afterFunc
	// Sweeps are memoized per provider instance, keyed by their arguments.
	adminKeySweeps   memo[[]client.AdminAPIKey]
	projectSweeps    memo[[]client.Project]
	projectKeySweeps memo[[]client.ProjectAPIKey]
	userSweeps       memo[[]client.User]
}

// ready reports whether the provider was configured before a read, as
// Terraform guarantees.
func (p *providerData) ready(diags *diag.Diagnostics) bool {
	if p == nil {
		diags.AddError("Unconfigured OpenAI Provider",
			"The data source was read before the provider was configured. This is a bug in the provider; please report it.")
	}
	return p != nil
}

// configured gives a data source the provider's data: embedded, it is the
// data source's Configure.
type configured struct {
	data *providerData
}

// Configure takes the provider's data. It is nil during validation, before
// the provider is configured.
func (c *configured) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	if req.ProviderData == nil {
		return
	}
	data, ok := req.ProviderData.(*providerData)
	if !ok {
		resp.Diagnostics.AddError("Unexpected Provider Data",
			fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", req.ProviderData))
		return
	}
	c.data = data
}

func (p *openaiProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "openai"
	resp.Version = p.version
}

func (p *openaiProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads the API keys of an OpenAI organization through the " +
			"[OpenAI Admin API](https://platform.openai.com/docs/api-reference/admin-api-keys), " +
			"so that key hygiene can be checked in `terraform plan`. The provider is read-only: it never creates, " +
			"changes or deletes anything.",
		Attributes: map[string]schema.Attribute{
			"admin_key": schema.StringAttribute{
				MarkdownDescription: "An OpenAI admin API key (`sk-admin-...`) with the `api.management.read` scope. " +
					"Falls back to the `" + envAdminKey + "` environment variable. Only organization owners can create admin keys.",
				Optional:  true,
				Sensitive: true,
			},
			"base_url": schema.StringAttribute{
				MarkdownDescription: "The base URL of the OpenAI Admin API, where the admin key is sent. Falls back to the `" + envBaseURL +
					"` environment variable, then `" + client.DefaultBaseURL + "`. It must use `https`, except for a loopback host " +
					"such as `127.0.0.1`. `" + envSDKBaseURL + "`, which the official SDKs read and which often points at an " +
					"inference gateway, is never read: the provider warns when it is set and ignored.",
				Optional:   true,
				Validators: []validator.String{baseURLValidator{}},
			},
			"max_retries": schema.Int64Attribute{
				MarkdownDescription: fmt.Sprintf("How many times a failed request is retried: after a connection error, "+
					"or a response with status %s. Defaults to `%d`. Waits follow `Retry-After` (or `retry-after-ms`) "+
					"when the API sends it. Otherwise, after a connection error or a server error, they grow "+
					"exponentially from `%s` up to `%s`; after a `429` without `Retry-After` or `x-ratelimit-*` "+
					"headers, every request waits while one at a time probes the limit, each refused probe doubling "+
					"the wait up to `%s`. One request waits at most `%s` in total, pacing "+
					"included. `0` disables retries.", client.RetriedStatuses(), client.DefaultMaxRetries,
					client.InitialBackoff, client.MaxBackoff, client.MaxProbeWait, client.DefaultMaxRetryWait),
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(0, 100)},
			},
			"request_timeout": schema.StringAttribute{
				MarkdownDescription: fmt.Sprintf("How long one attempt of a request may take, as a Go duration such as `\"30s\"` "+
					"or `\"2m\"`. Defaults to `\"%s\"`.", client.DefaultRequestTimeout),
				Optional:   true,
				Validators: []validator.String{durationValidator{}},
			},
			"max_requests_per_minute": schema.Int64Attribute{
				MarkdownDescription: "Spaces all requests of this provider evenly, at most this many a minute, across every " +
					"data source read concurrently, requests in flight included. By default there is no fixed cap: the " +
					"provider follows the API's `Retry-After` and `x-ratelimit-*` headers when it sends them, and otherwise " +
					"learns the limit from `429`s, slowing down once per burst of `429`s and probing back up after each " +
					"success. Set it just below the organization's Admin API limit to avoid `429`s altogether in large " +
					"inventories; a read whose requests waited more than a minute on the rate limit ends with a warning " +
					"that suggests a value.",
				Optional:   true,
				Validators: []validator.Int64{int64validator.Between(1, 6000)},
			},
		},
	}
}

func (p *openaiProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var config providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}

	for name, value := range map[string]interface{ IsUnknown() bool }{
		"admin_key":               config.AdminKey,
		"base_url":                config.BaseURL,
		"max_retries":             config.MaxRetries,
		"request_timeout":         config.RequestTimeout,
		"max_requests_per_minute": config.MaxRequestsPerMinute,
	} {
		if value.IsUnknown() {
			resp.Diagnostics.AddAttributeError(path.Root(name), "Unknown OpenAI Provider Configuration",
				fmt.Sprintf("The provider cannot read the OpenAI Admin API because %q is not known until apply. "+
					"Set it to a value known at plan time (a literal, a variable or an existing resource's attribute), "+
					"or apply the resource it depends on first with -target.", name))
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}

	adminKey := os.Getenv(envAdminKey)
	if !config.AdminKey.IsNull() {
		adminKey = config.AdminKey.ValueString()
	}
	if adminKey == "" {
		resp.Diagnostics.AddAttributeError(path.Root("admin_key"), "Missing OpenAI Admin Key",
			"The provider needs an OpenAI admin API key to read the organization's keys. "+
				"Set admin_key in the provider configuration or the "+envAdminKey+" environment variable "+
				"to an admin key (sk-admin-...) with the api.management.read scope.")
		return
	}
	ctx = tflog.MaskMessageStrings(ctx, adminKey)

	baseURL := os.Getenv(envBaseURL)
	if !config.BaseURL.IsNull() {
		baseURL = config.BaseURL.ValueString()
	}
	if sdk := os.Getenv(envSDKBaseURL); baseURL == "" && sdk != "" && strings.TrimRight(sdk, "/") != client.DefaultBaseURL {
		resp.Diagnostics.AddWarning("OPENAI_BASE_URL Ignored",
			fmt.Sprintf("%s is set to %q, but the provider does not read it: it is the official SDKs' address for "+
				"inference traffic, often a gateway or proxy, and the admin key must not be sent there. The provider "+
				"reads the OpenAI Admin API at %s. To use another address for the Admin API, set base_url in the "+
				"provider configuration or %s.", envSDKBaseURL, sdk, client.DefaultBaseURL, envBaseURL))
	}
	if err := client.CheckBaseURL(baseURL); err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("base_url"), "Invalid OpenAI Base URL",
			fmt.Sprintf("The base URL (from base_url, else %s) cannot be used: %s.", envBaseURL, err))
		return
	}

	cfg := p.clientConfig
	cfg.AdminKey = adminKey
	cfg.BaseURL = baseURL
	cfg.UserAgent = fmt.Sprintf("terraform-provider-openai/%s Terraform/%s", p.version, req.TerraformVersion)
	cfg.Logger = tflogLogger{secret: adminKey}
	if !config.MaxRetries.IsNull() {
		cfg.MaxRetries = int(config.MaxRetries.ValueInt64())
		if cfg.MaxRetries == 0 {
			cfg.MaxRetries = -1 // The client reads 0 as its default.
		}
	}
	if !config.MaxRequestsPerMinute.IsNull() {
		cfg.MaxRequestsPerMinute = int(config.MaxRequestsPerMinute.ValueInt64())
	}
	if !config.RequestTimeout.IsNull() {
		// The validator has already accepted it.
		cfg.RequestTimeout, _ = time.ParseDuration(config.RequestTimeout.ValueString())
	}

	c, err := client.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Unable to Create OpenAI API Client",
			"The provider configuration is not usable: "+err.Error()+".")
		return
	}
	tflog.Debug(ctx, "configured the OpenAI Admin API client", map[string]any{"base_url": baseURL})

	data := &providerData{client: c, maxListItems: cmp.Or(p.maxListItems, defaultMaxListItems), afterFunc: p.afterFunc}
	data.adminKeySweeps.observe = p.observeSweeps
	data.projectSweeps.observe = p.observeSweeps
	data.projectKeySweeps.observe = p.observeSweeps
	data.userSweeps.observe = p.observeSweeps
	resp.DataSourceData = data
	resp.ResourceData = data
}

func (p *openaiProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newAPIKeysDataSource,
		newAdminAPIKeysDataSource,
		newAdminAPIKeyDataSource,
		newProjectsDataSource,
		newProjectAPIKeysDataSource,
		newUsersDataSource,
	}
}

func (p *openaiProvider) Resources(context.Context) []func() resource.Resource {
	return nil
}

func (p *openaiProvider) Functions(context.Context) []func() function.Function {
	return []func() function.Function{newKeyHygieneFunction}
}

// tflogLogger adapts the client's logger to tflog, masking the admin key in
// messages and fields in case any server text ever echoes it.
type tflogLogger struct {
	secret string
}

func (l tflogLogger) mask(ctx context.Context) context.Context {
	ctx = tflog.MaskMessageStrings(ctx, l.secret)
	return tflog.MaskAllFieldValuesStrings(ctx, l.secret)
}

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(l.mask(ctx), msg, fields)
}

func (l tflogLogger) Info(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(l.mask(ctx), msg, fields)
}

func (l tflogLogger) Warn(ctx context.Context, msg string, fields map[string]any) {
	tflog.Warn(l.mask(ctx), msg, fields)
}
