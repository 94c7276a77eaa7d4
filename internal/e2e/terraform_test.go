package e2e

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// terraformCLI is the real terraform in one directory, run through
// terraform-exec, as HashiCorp's own tools run it.
type terraformCLI struct {
	tf *tfexec.Terraform
	// vars are the environment's TF_VAR_ values, which terraform-exec refuses
	// as environment: they go to plan as -var.
	vars []tfexec.PlanOption
}

// terraformExecManages are the variables terraform-exec sets itself (it runs
// terraform with TF_IN_AUTOMATION and TF_INPUT=0) or refuses from callers.
var terraformExecManages = []string{"TF_IN_AUTOMATION", "TF_INPUT", "TF_CLI_ARGS", "TF_LOG", "TF_LOG_CORE",
	"TF_LOG_PATH", "TF_LOG_PROVIDER", "TF_REATTACH_PROVIDERS", "TF_APPEND_USER_AGENT", "TF_WORKSPACE",
	"TF_DISABLE_PLUGIN_TLS", "TF_SKIP_PROVIDER_VERIFY"}

// newTerraformCLI runs terraform in dir with this process's environment plus
// env.
func newTerraformCLI(t *testing.T, dir, terraform string, env []string) *terraformCLI {
	t.Helper()
	cli, err := terraformExec(dir, terraform, env)
	if err != nil {
		t.Fatal(err)
	}
	return cli
}

// terraformExec is newTerraformCLI for a goroutine, which cannot fail a test.
func terraformExec(dir, terraform string, env []string) (*terraformCLI, error) {
	tf, err := tfexec.NewTerraform(dir, terraform)
	if err != nil {
		return nil, err
	}
	vars := map[string]string{}
	for _, kv := range append(os.Environ(), env...) {
		name, value, _ := strings.Cut(kv, "=")
		vars[name] = value
	}
	for _, name := range terraformExecManages {
		delete(vars, name)
	}
	cli := &terraformCLI{tf: tf}
	for name, value := range vars {
		switch {
		case strings.HasPrefix(name, "TF_VAR_"):
			cli.vars = append(cli.vars, tfexec.Var(strings.TrimPrefix(name, "TF_VAR_")+"="+value))
			delete(vars, name)
		case strings.HasPrefix(name, "TF_CLI_ARGS_"):
			delete(vars, name)
		}
	}
	return cli, tf.SetEnv(vars)
}

// get installs the configuration's modules: terraform get, which works
// offline under dev_overrides where terraform init does not.
func (c *terraformCLI) get(t *testing.T, ctx context.Context) {
	t.Helper()
	if err := c.tf.Get(ctx); err != nil {
		t.Fatalf("terraform get: %v", err)
	}
}

// plan plans without a lock and returns what it printed.
func (c *terraformCLI) plan(t *testing.T, ctx context.Context, opts ...tfexec.PlanOption) []byte {
	t.Helper()
	c.version(t, ctx)
	var out bytes.Buffer
	c.tf.SetStdout(&out)
	defer c.tf.SetStdout(io.Discard)
	if _, err := c.tf.Plan(ctx, c.planOptions(opts...)...); err != nil {
		t.Fatalf("terraform plan: %v\n%s", err, out.String())
	}
	return out.Bytes()
}

// planJSON plans into plan.tfplan and returns the plan as terraform show
// -json prints it, byte for byte.
func (c *terraformCLI) planJSON(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	c.plan(t, ctx, tfexec.Out("plan.tfplan")) // which asked the version already
	var out bytes.Buffer
	c.tf.SetStdout(&out)
	defer c.tf.SetStdout(io.Discard)
	if _, err := c.tf.ShowPlanFile(ctx, "plan.tfplan"); err != nil {
		t.Fatalf("terraform show -json: %v", err)
	}
	return out.Bytes()
}

// version asks terraform its version, which terraform-exec keeps: asked
// while stdout is captured, its JSON would precede the command's own output.
func (c *terraformCLI) version(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, _, err := c.tf.Version(ctx, false); err != nil {
		t.Fatalf("terraform version: %v", err)
	}
}

// planMachineReadable plans and returns terraform plan -json's stream of
// messages, and the plan's error.
func (c *terraformCLI) planMachineReadable(ctx context.Context) ([]byte, error) {
	var out bytes.Buffer
	_, err := c.tf.PlanJSON(ctx, &out, c.planOptions()...)
	return out.Bytes(), err
}

// planOptions are a plan's options: no lock, the environment's variables,
// then opts.
func (c *terraformCLI) planOptions(opts ...tfexec.PlanOption) []tfexec.PlanOption {
	return append(append([]tfexec.PlanOption{tfexec.Lock(false)}, c.vars...), opts...)
}
