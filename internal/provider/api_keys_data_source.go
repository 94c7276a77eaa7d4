package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/errgroup"

	"github.com/keycensus/terraform-provider-openai/internal/client"
)

var (
	_ datasource.DataSource              = (*apiKeysDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*apiKeysDataSource)(nil)
)

// projectSweepConcurrency bounds the projects whose keys are listed at once:
// enough to hide latency on an unlimited API, few enough that the shared
// pacer, not a burst, decides the rate on a limited one.
const projectSweepConcurrency = 4

// Kinds of key in openai_api_keys.
const (
	kindAdmin   = "admin"
	kindProject = "project"
)

// apiKeysDataSource lists every API key of the organization: its admin keys,
// then every project's keys, in one shape.
type apiKeysDataSource struct {
	configured
}

func newAPIKeysDataSource() datasource.DataSource {
	return &apiKeysDataSource{}
}

func (d *apiKeysDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_api_keys"
}

// anyKeyAttributes describes one key of openai_api_keys, admin or project.
func anyKeyAttributes() map[string]schema.Attribute {
	attributes := keyAttributes("sk-admin...def` or `sk-abc...def")
	attributes["kind"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "`admin` for an organization admin key, `project` for a project API key."}
	attributes["expires_at"] = schema.Int64Attribute{Computed: true,
		MarkdownDescription: "When an admin key expires, in Unix seconds; null when it never expires, and for project keys."}
	attributes["expires_at_rfc3339"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "`expires_at` as an RFC 3339 timestamp in UTC; null when it is null."}
	attributes["project_id"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "The id of the project a project key belongs to; null for admin keys."}
	attributes["project_name"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "The name of the key's project; null for admin keys, and when the project has none."}
	attributes["project_status"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "`active` or `archived`: the status of the key's project; null for admin keys."}
	attributes["owner_project_access"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "`active` while a project key's owner still has access to the project, else `inactive`; null for admin keys."}
	owner := projectKeyOwnerAttributes()
	owner["role"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "The owner's role: in the organization for an admin key (such as `owner` or `reader`), " +
			"in the project for a project key (such as `owner` or `member`); null when the API gives none."}
	owner["email"] = schema.StringAttribute{Computed: true,
		MarkdownDescription: "A project key's user's email; null for service accounts and for admin keys, whose owner the API gives no email."}
	attributes["owner"] = schema.SingleNestedAttribute{
		Computed:            true,
		MarkdownDescription: "The user or service account that owns the key.",
		Attributes:          owner,
	}
	return attributes
}

var anyKeysState = listState[anyKey]{
	name: "openai_api_keys", attr: "keys", noun: "API keys", elem: objectType(anyKeyAttributes()), values: anyKeyValues,
	id: func(k *anyKey) string {
		if k.admin != nil {
			return k.admin.ID
		}
		return k.project.ID
	},
}

// anyKey is one key of the organization: an admin key, or a project key with
// its project.
type anyKey struct {
	admin   *client.AdminAPIKey
	project *client.ProjectAPIKey
	of      *client.Project
}

func (d *apiKeysDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		Blocks: map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
		MarkdownDescription: "Lists **every** API key of the OpenAI organization in one list and one shape: the admin " +
			"keys, then every project's API keys, including keys whose owner lost access to the project. Nulls are " +
			"kept (a key that was never used has a null `last_used_at`). It costs the fewest requests the API " +
			"allows, reads up to four projects at once under the provider's rate-limit pacing, and shares its " +
			"sweeps with `openai_admin_api_keys`, `openai_projects` and `openai_project_api_keys` in the same run. " +
			"A project deleted while it is read is skipped with a warning. " + listLimitNote + "\n\n" +
			"**Each key once, of its kind.** The API's admin key listing holds every project's keys too (its description: " +
			"\"all organization and project API keys\"), labelled as admin keys. A key that any project lists is " +
			"`kind = \"project\"`, with its project's id, name and status, whatever the admin key listing says of it; " +
			"`kind = \"admin\"` is left for the keys that no project lists. With `include_archived_projects = false`, " +
			"no key of an archived project appears at all. When the admin key listing holds only admin keys, the read " +
			"costs what it always did; when it holds keys that an active project lists, or keys that do not look like " +
			"admin keys (a redacted value that does not start with `sk-admin`: a hint that makes the provider look, " +
			"never the proof of a kind), it also lists every project, archived ones included, and the archived " +
			"projects' keys, to tell them apart.",
		Attributes: map[string]schema.Attribute{
			"include_archived_projects": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Whether the keys of archived projects are listed too. Defaults to `false`. " +
					"The key-hygiene rule `archived_project_key` finds only the keys listed: set it to `true` for that rule.",
			},
			"keys": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Every key: admin keys oldest first, then each project's keys, projects in the API's " +
					"order and each project's keys in the API's order. Empty, never null, when there are none.",
				NestedObject: schema.NestedAttributeObject{Attributes: anyKeyAttributes()},
			},
			"ids": schema.ListAttribute{
				Computed:            true,
				ElementType:         types.StringType,
				MarkdownDescription: "The ids of `keys`, in the same order.",
			},
		},
	}
}

func (d *apiKeysDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	if !d.data.ready(&resp.Diagnostics) {
		return
	}
	ctx, end := d.data.beginRead(ctx, "openai_api_keys", req.Config, &resp.Diagnostics)
	defer end(&resp.Diagnostics)
	var includeArchived types.Bool
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("include_archived_projects"), &includeArchived)...)
	if resp.Diagnostics.HasError() {
		return
	}
	keys, diags := d.data.allAPIKeys(ctx, includeArchived.ValueBool())
	resp.Diagnostics.Append(diags...)
	if diags.HasError() {
		return
	}
	defaults := map[string]tftypes.Value{"include_archived_projects": tftypes.NewValue(tftypes.Bool, includeArchived.ValueBool())}
	anyKeysState.set(ctx, resp, req.Config, defaults, keys, d.data.maxListItems)
}

// allAPIKeys lists every key of the organization once. The admin key listing
// may hold every project's keys too (the API describes it so, and tools that
// run against it report it): a key that any project lists is a project key,
// with its project, whatever the admin listing says of it, and only keys that
// no project lists are admin keys. Without archived projects, their keys are
// left out altogether, so when the admin listing holds project keys, the
// archived projects and their keys are listed as well to tell them apart.
func (p *providerData) allAPIKeys(ctx context.Context, includeArchived bool) ([]anyKey, diag.Diagnostics) {
	var diags diag.Diagnostics
	admin, err := p.adminAPIKeys(ctx, client.OrderAsc)
	if err != nil {
		diags.Append(apiErrorDiagnostic("list the organization's admin API keys", err))
		return nil, diags
	}
	swept, diags := p.projectKeys(ctx, includeArchived)
	if diags.HasError() {
		return nil, diags
	}
	projectIDs := swept.ids()
	if !includeArchived && mayHoldProjectKeys(admin, projectIDs) {
		every, moreDiags := p.projectKeys(ctx, true)
		diags.Append(moreDiags...)
		if diags.HasError() {
			return nil, diags
		}
		projectIDs = every.ids()
	}
	admin = withoutProjectKeys(ctx, admin, projectIDs)

	all := make([]anyKey, 0, len(admin)+swept.count())
	for i := range admin {
		all = append(all, anyKey{admin: &admin[i]})
	}
	for i, keys := range swept.keys {
		for j := range keys {
			all = append(all, anyKey{project: &keys[j], of: &swept.projects[i]})
		}
	}
	return all, diags
}

// mayHoldProjectKeys reports whether the admin key listing may hold keys of
// projects not yet swept: it holds some key a project lists, or a key whose
// redacted value does not start as an admin key's does. A prefix is only a
// hint: it makes the provider look, never decides a key's kind.
func mayHoldProjectKeys(admin []client.AdminAPIKey, projectIDs map[string]bool) bool {
	for i := range admin {
		if projectIDs[admin[i].ID] || admin[i].RedactedValue == nil || !strings.HasPrefix(*admin[i].RedactedValue, "sk-admin") {
			return true
		}
	}
	return false
}

// withoutProjectKeys is admin without the keys that a project lists, in
// order; admin itself when there are none.
func withoutProjectKeys(ctx context.Context, admin []client.AdminAPIKey, projectIDs map[string]bool) []client.AdminAPIKey {
	kept := slices.DeleteFunc(slices.Clone(admin), func(k client.AdminAPIKey) bool { return projectIDs[k.ID] })
	if dropped := len(admin) - len(kept); dropped > 0 {
		tflog.Info(ctx, fmt.Sprintf("the admin key listing held %d keys that projects list: they are project keys", dropped))
	}
	return kept
}

// projectKeySweep is every key of the organization's projects, as each
// project's own listing gives them.
type projectKeySweep struct {
	projects []client.Project
	// keys[i] are the keys of projects[i]: nil for a project deleted
	// during the read, which a warning names.
	keys [][]client.ProjectAPIKey
}

// ids is the set of every key id the projects list.
func (s *projectKeySweep) ids() map[string]bool {
	ids := make(map[string]bool, s.count())
	for _, keys := range s.keys {
		for i := range keys {
			ids[keys[i].ID] = true
		}
	}
	return ids
}

func (s *projectKeySweep) count() int {
	n := 0
	for _, keys := range s.keys {
		n += len(keys)
	}
	return n
}

// projectKeys lists the projects, archived ones too when includeArchived,
// and each project's keys whatever their owner's access, at most
// projectSweepConcurrency projects at once. Every sweep is shared with the
// other data sources through the memos. A project that answers 404 after it
// was listed was deleted in between: it is skipped with a warning. Any other
// failure cancels the sweeps still running and fails the read.
func (p *providerData) projectKeys(ctx context.Context, includeArchived bool) (*projectKeySweep, diag.Diagnostics) {
	var diags diag.Diagnostics
	projects, err := p.projects(ctx, client.ListProjectsOptions{IncludeArchived: includeArchived})
	if err != nil {
		diags.Append(apiErrorDiagnostic("list the organization's projects", err))
		return nil, diags
	}

	sweep := &projectKeySweep{projects: projects, keys: make([][]client.ProjectAPIKey, len(projects))}
	var (
		mu      sync.Mutex
		deleted []int
		done    int
		// The first failure, and its project: the errgroup only carries
		// the error, and the ones after it are mostly the cancellation.
		failure error
		failed  *client.Project
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(projectSweepConcurrency)
	for i := range projects {
		pr := &projects[i]
		g.Go(func() error {
			keys, err := p.projectAPIKeys(gctx, pr.ID, client.OwnerProjectAccessAny)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case client.IsNotFound(err):
				deleted = append(deleted, i)
				return nil
			case err != nil:
				if failure == nil {
					failure, failed = err, pr
				}
				return err
			}
			sweep.keys[i] = keys
			done++
			tflog.Info(ctx, fmt.Sprintf("project %d of %d: %d keys", done, len(projects), len(keys)), map[string]any{
				"project_id": pr.ID,
			})
			return nil
		})
	}
	if g.Wait() != nil {
		diags.Append(apiErrorDiagnostic(fmt.Sprintf("list the API keys of project %s", projectLabel(failed)), failure))
		return nil, diags
	}

	// In the projects' order, not the order the sweeps ended in.
	slices.Sort(deleted)
	for _, i := range deleted {
		diags.AddWarning("Project Deleted During the Read",
			fmt.Sprintf("The project %s was listed, but answered 404 Not Found when its API keys were read: it was "+
				"most likely deleted in between. Its keys are left out. Plan again to confirm.",
				projectLabel(&projects[i])))
	}
	return sweep, diags
}

// projectLabel names a project by name and id, or by id when it has no name.
func projectLabel(p *client.Project) string {
	if p.Name != nil && *p.Name != "" {
		return fmt.Sprintf("%q (%s)", *p.Name, p.ID)
	}
	return strconv.Quote(p.ID)
}

func anyKeyValues(k *anyKey) map[string]tftypes.Value {
	nullString := tftypes.NewValue(tftypes.String, nil)
	if a := k.admin; a != nil {
		values := keyValues(a.ID, a.Name, a.RedactedValue, a.CreatedAt, a.LastUsedAt)
		values["kind"] = stringValue(kindAdmin)
		values["expires_at"] = nullableInt64(a.ExpiresAt)
		values["expires_at_rfc3339"] = nullableRFC3339(a.ExpiresAt)
		values["project_id"] = nullString
		values["project_name"] = nullString
		values["project_status"] = nullString
		values["owner_project_access"] = nullString
		values["owner"] = nestedObject(projectKeyOwnerType, map[string]tftypes.Value{
			"type":       nullableString(a.Owner.Type),
			"id":         nullableString(a.Owner.ID),
			"name":       nullableString(a.Owner.Name),
			"email":      nullString,
			"role":       nullableString(a.Owner.Role),
			"created_at": nullableInt64(a.Owner.CreatedAt),
		})
		return values
	}
	values := projectKeyValues(k.project)
	values["kind"] = stringValue(kindProject)
	values["expires_at"] = tftypes.NewValue(tftypes.Number, nil)
	values["expires_at_rfc3339"] = nullString
	values["project_id"] = stringValue(k.of.ID)
	values["project_name"] = nullableString(k.of.Name)
	values["project_status"] = nullableString(k.of.Status)
	return values
}
