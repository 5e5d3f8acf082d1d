#!/usr/bin/env bash
# make demo: build the provider, start a local Vault dev server (unless
# VAULT_ADDR is set), apply examples/demo through a temporary dev_overrides
# CLI config, print the outputs, show that a second plan is empty, and clean
# up. Run by `make demo` after `make tools` has built bin/vault.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/vaultboot-demo.XXXXXX")"
enabled_k8s=""
external=""
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

cleanup() {
  local rc=$?
  # On someone else's Vault, leave nothing behind but the apps' kept secrets.
  if [ -n "$external" ] && [ -f "$work/demo/terraform.tfstate" ]; then
    say "destroying the demo apps in $VAULT_ADDR (their KV metadata stays, marked as removed)"
    "$tf" -chdir="$work/demo" destroy -auto-approve -input=false -no-color >"$work/destroy.log" 2>&1 ||
      { echo "destroy failed; log:"; cat "$work/destroy.log"; rc=1; }
  fi
  if [ -n "$external" ] && [ -n "$enabled_k8s" ]; then
    say "disabling the auth/kubernetes mount the demo enabled"
    "$vault" auth disable kubernetes >/dev/null || rc=1
  fi
  if [ -n "$vault_pid" ]; then
    say "stopping the Vault dev server (pid $vault_pid)"
    stop_vault
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_vault
use_local_provider

if [ -n "${VAULT_ADDR:-}" ]; then
  external=1
  say "using the Vault at $VAULT_ADDR (VAULT_ADDR is set)"
else
  start_vault
fi

# Apps with a kubernetes block need the Kubernetes auth method.
if ! "$vault" read sys/auth/kubernetes >/dev/null 2>&1; then
  say "enabling auth/kubernetes with a placeholder config (no cluster behind it)"
  enable_placeholder_kubernetes
  enabled_k8s=1
fi

mkdir -p "$work/demo"
cp "$root"/examples/demo/*.tf "$work/demo/"

# Colours only on a terminal; dev_overrides' warning shrinks to one line.
flags=(-input=false -compact-warnings)
[ -t 1 ] || flags+=(-no-color)
output_flags=()
[ -t 1 ] || output_flags+=(-no-color)

say "terraform plan (examples/demo)"
"$tf" -chdir="$work/demo" plan "${flags[@]}" -out=demo.tfplan

say "terraform apply"
if ! "$tf" -chdir="$work/demo" apply "${flags[@]}" demo.tfplan >"$work/apply.log" 2>&1; then
  cat "$work/apply.log"
  exit 1
fi
# The apply's summary and its warnings (other than dev_overrides' own).
sed 's/\x1b\[[0-9;]*m//g' "$work/apply.log" |
  grep -E '^(- |.*Creation complete|Apply complete)' | grep -v 'Provider development overrides' |
  sed 's/^- /warning: /' || true

say "outputs"
"$tf" -chdir="$work/demo" output "${output_flags[@]}"

say "second plan (terraform plan -detailed-exitcode): must be empty"
set +e
"$tf" -chdir="$work/demo" plan "${flags[@]}" -detailed-exitcode
plan_rc=$?
set -e
case "$plan_rc" in
  0) say "second plan is empty: Vault holds exactly what the configuration says" ;;
  2) echo "the second plan is not empty: the provider does not converge" >&2; exit 1 ;;
  *) echo "the second plan failed" >&2; exit 1 ;;
esac
