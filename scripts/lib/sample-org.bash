# Sourced by scripts/demo and scripts/policy, with the temp directory's prefix
# as its argument. It builds the provider and the fake OpenAI Admin API,
# serves the sample organization on 127.0.0.1, points Terraform at both
# (dev_overrides; OPENAI_ADMIN_BASE_URL and OPENAI_ADMIN_KEY), and copies
# examples/compliance with modules/ beside it into $work, ready to plan as
# $dir. An EXIT trap stops the fake and removes $work, whatever happens next.
# It sets root, work, dir and tf.

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/${1:-openai-sample}.XXXXXX")
server_pid=""

cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tf=$("$root/scripts/terraform-path")
echo "== building the provider and the fake Admin API"
go build -C "$root" -o "$work/bin/terraform-provider-openai" .
go build -C "$root" -o "$work/fake-openai-admin-api" ./cmd/fake-openai-admin-api

echo "== starting the fake Admin API with a sample organization"
"$work/fake-openai-admin-api" -addr 127.0.0.1:0 -addr-file "$work/base-url" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 100); do
  [[ -s "$work/base-url" ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$work/server.log" >&2
    echo "the fake Admin API did not start" >&2
    exit 1
  fi
  sleep 0.1
done
[[ -s "$work/base-url" ]] || { cat "$work/server.log" >&2; echo "the fake Admin API did not report its address in 10 s" >&2; exit 1; }

cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/keycensus/openai" = "$work/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$work/terraformrc"
export OPENAI_ADMIN_BASE_URL
OPENAI_ADMIN_BASE_URL=$(cat "$work/base-url")
# The fake's key: it opens nothing but the fake.
export OPENAI_ADMIN_KEY="${DEMO_ADMIN_KEY:-sk-admin-fake-0123456789abcdef}"

# Plan a copy, so nothing is written into the repository. The module comes
# along at the same relative path; `terraform get` installs only modules (a
# local one here), so unlike init it never asks the registry.
mkdir -p "$work/examples"
cp -R "$root/examples/compliance" "$work/examples/compliance"
cp -R "$root/modules" "$work/modules"
dir="$work/examples/compliance"
rm -rf "$dir/.terraform" "$dir"/terraform.tfstate*
"$tf" -chdir="$dir" get >/dev/null
