# Sourced by the scripts/*-path scripts and the test scripts: where the tools a fresh machine lacks
# are cached, outside the repository, and how one is installed there from the
# Go module proxy. Tools never enter the provider's go.mod: go install runs
# from /.

tools_cache="${TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/terraform-provider-openai}"

# go_install_into DIR BINARY PACKAGE@VERSION MESSAGE installs PACKAGE@VERSION
# into DIR, saying MESSAGE on stderr, unless DIR/BINARY is already there.
go_install_into() {
  local dir=$1 binary=$2 pkg=$3 message=$4
  if [[ ! -x "$dir/$binary" ]]; then
    echo "$message" >&2
    (cd / && GOBIN="$dir" go install "$pkg") >&2
  fi
}

# terraform_version BIN prints the version a terraform or tofu binary reports,
# e.g. 1.11.4 or 1.12.6-dev; nothing when it cannot tell.
terraform_version() {
  "$1" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p'
}
