#!/usr/bin/env bash
# make testmodule: run the shared module's `terraform test` files
# (examples/modules/vault-conventions/tests/*.tftest.hcl) against a Vault dev
# server of its own, with the locally built provider through a temporary
# dev_overrides CLI config. It never uses a Vault from VAULT_ADDR: the tests
# create and destroy objects freely.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/vaultboot-testmodule.XXXXXX")"
# shellcheck source=scripts/lib.sh
. "$root/scripts/lib.sh"

cleanup() {
  local rc=$?
  stop_vault
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_vault
use_local_provider
unset VAULT_ADDR VAULT_TOKEN
start_vault

# The prerequisites an administrator creates once per Vault (see the Getting
# started guide): the auth mounts the conventions use and a PKI CA to sync.
enable_placeholder_kubernetes
"$vault" auth enable oidc >/dev/null
"$vault" secrets enable pki >/dev/null
"$vault" write -field=certificate pki/root/generate/internal common_name="vaultboot testmodule CA" ttl=8760h >/dev/null

export VAULTBOOT_OWNER="vaultboot/testmodule"
for module in "$root"/examples/modules/*/; do
  name="$(basename "$module")"
  cp -r "$module" "$work/$name"
  rm -rf "$work/$name/.terraform" "$work/$name"/terraform.tfstate*
  say "terraform test (examples/modules/$name)"
  # dev_overrides: install the test files' modules only, no provider (init would
  # look the overridden provider up in the registry).
  "$tf" -chdir="$work/$name" get -no-color >"$work/init-$name.log" 2>&1 || { cat "$work/init-$name.log"; exit 1; }
  "$tf" -chdir="$work/$name" test -no-color
done
