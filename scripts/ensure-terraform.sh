#!/usr/bin/env bash
# Prints the path of a terraform >= 1.8: the one on PATH if new enough, else
# v1.8.5 built with `go install` into the project's bin/ (Go module proxy only).
set -euo pipefail
bin="$(cd "$(dirname "$0")/.." && pwd)/bin"
# The version is captured before grep reads it: with pipefail, grep -q closing
# the pipe early fails terraform with SIGPIPE now and then.
ok() {
  local v
  v="$(CHECKPOINT_DISABLE=1 "$1" version -json 2>/dev/null)" &&
    grep -Eq '"terraform_version": *"(1\.(8|9|[1-9][0-9])|[2-9])\.' <<<"$v"
}
if command -v terraform >/dev/null && ok "$(command -v terraform)"; then
  command -v terraform
  exit 0
fi
if [ -x "$bin/terraform" ] && ok "$bin/terraform"; then
  echo "$bin/terraform"
  exit 0
fi
echo "==> terraform: none >= 1.8 on PATH; installing v1.8.5 into bin/ with go install (a few minutes the first time)" >&2
GOBIN="$bin" go install github.com/hashicorp/terraform@v1.8.5 >&2
echo "$bin/terraform"
