#!/usr/bin/env bash
# Prints the path of goreleaser v2.18.2, installing it into the project's bin/
# with `go install` from the Go module proxy when it is missing. v2.18.2
# needs Go >= 1.27.1: GOTOOLCHAIN=auto lets an older go fetch that toolchain
# through the same proxy (a newer local go is used as it is).
set -euo pipefail
version=v2.18.2
bin="$(cd "$(dirname "$0")/.." && pwd)/bin"
gr="$bin/goreleaser"
# The version is captured before grep reads it (see ensure-terraform.sh).
ok() {
  local v
  v="$("$gr" --version 2>/dev/null)" && grep -Eq "GitVersion: *v?${version#v}\$" <<<"$v"
}
if [ -x "$gr" ] && ok; then
  echo "$gr"
  exit 0
fi
echo "==> goreleaser: installing $version into bin/ with go install (a few minutes the first time)" >&2
GOTOOLCHAIN=auto GOBIN="$bin" go install "github.com/goreleaser/goreleaser/v2@$version" >&2
ok || { echo "goreleaser in $gr is not $version" >&2; exit 1; }
echo "$gr"
