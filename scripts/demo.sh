#!/usr/bin/env bash
# make demo: build the provider, start a local Vault dev server (unless
# VAULT_ADDR is set), apply examples/demo through a temporary dev_overrides
# CLI config, print the outputs, show that a second plan is empty, and clean
# up. Run by `make demo` after `make tools` has built bin/vault.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
vault="$root/bin/vault"
tf="$("$root/scripts/ensure-terraform.sh")"
work="$(mktemp -d "${TMPDIR:-/tmp}/vaultboot-demo.XXXXXX")"
vault_pid=""
enabled_k8s=""
external=""

say() { printf '==> %s\n' "$*"; }

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
    kill "$vault_pid" 2>/dev/null || true
    wait "$vault_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# port_free reports whether nothing listens on 127.0.0.1:$1.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# start_vault starts a dev server on a free loopback port pair (the next
# port carries cluster traffic) and waits until it answers as unsealed.
start_vault() {
  local token port attempt
  token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 20000))
    port_free "$port" && port_free $((port + 1)) || continue
    "$vault" server -dev -dev-root-token-id="$token" -dev-listen-address="127.0.0.1:$port" \
      >"$work/vault.log" 2>&1 &
    vault_pid=$!
    export VAULT_ADDR="http://127.0.0.1:$port" VAULT_TOKEN="$token"
    for _ in $(seq 1 120); do
      if ! kill -0 "$vault_pid" 2>/dev/null; then
        break # exited: most likely lost the port to another process
      fi
      if "$vault" status >/dev/null 2>&1; then
        say "Vault dev server ready at $VAULT_ADDR (pid $vault_pid)"
        return 0
      fi
      sleep 0.5
    done
    kill "$vault_pid" 2>/dev/null || true
    wait "$vault_pid" 2>/dev/null || true
    vault_pid=""
  done
  echo "the Vault dev server did not start; its log:" >&2
  cat "$work/vault.log" >&2
  return 1
}

if [ ! -x "$vault" ]; then
  echo "$vault is missing: run 'make demo' (it builds the tools first)" >&2
  exit 1
fi

say "building the provider"
mkdir -p "$work/plugins"
(cd "$root" && go build -o "$work/plugins/terraform-provider-vaultboot" .)

if [ -n "${VAULT_ADDR:-}" ]; then
  external=1
  say "using the Vault at $VAULT_ADDR (VAULT_ADDR is set)"
else
  # Never lend the demo server's commands a namespace or CA of the caller's shell.
  unset VAULT_NAMESPACE VAULT_CACERT VAULT_CLIENT_CERT VAULT_CLIENT_KEY VAULT_SKIP_VERIFY
  start_vault
fi

# Apps with a kubernetes block need the Kubernetes auth method. The demo has
# no cluster, so the mount gets a placeholder config that no login can pass.
if ! "$vault" read sys/auth/kubernetes >/dev/null 2>&1; then
  say "enabling auth/kubernetes with a placeholder config (no cluster behind it)"
  "$vault" auth enable kubernetes >/dev/null
  enabled_k8s=1
  "$vault" write auth/kubernetes/config kubernetes_host="https://kubernetes.invalid:443" \
    disable_local_ca_jwt=true kubernetes_ca_cert="placeholder: the demo has no Kubernetes cluster" >/dev/null
fi

# dev_overrides for this run only: a CLI config of our own, never ~/.terraformrc.
cat >"$work/terraformrc" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/vaultboot/vaultboot" = "$work/plugins"
  }
}
EOF
export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
unset TF_DATA_DIR TF_WORKSPACE

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
