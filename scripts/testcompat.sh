#!/usr/bin/env bash
# make testcompat: the compatibility pass. `make testacc` runs everything
# against Vault v1.13.0 and the Terraform on PATH; this runs a representative
# subset with the other supported CLI, one row each:
#   - Vault v1.13.0 with OpenTofu v1.12.6
# Each row runs the demo, the shared module's tests (`terraform test` /
# `tofu test`), one create/update/import/destroy cycle per resource, the
# access proofs and the version check at configure time. The README's
# compatibility table names the same rows; TestCompatibilityTable and
# TestCompatibilitySubsetExists (internal/testharness) keep them in step.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
log="$(mktemp -d "${TMPDIR:-/tmp}/vaultboot-testcompat.XXXXXX")"
trap 'rm -rf "$log"' EXIT
say() { printf '==> %s\n' "$*"; }
# OpenTofu prints "Unable to open CLI configuration file" on stdout when
# TF_CLI_CONFIG_FILE names a missing file (this machine's does), which breaks
# terraform-exec's reading of `tofu version`: an empty one of our own for the run.
: >"$log/empty.tfrc"
export TF_CLI_CONFIG_FILE="$log/empty.tfrc"

# The Go tests of the subset (names are unique across the packages). Each
# resource's lifecycle test creates, plans empty, updates in place, imports
# with verify and destroys.
tests=(
  TestAccAppSecretPath_lifecycle TestAccOIDCGroupBinding_basic TestAccNamespaceCASyncPolicy_pki
  TestAccEnvironment_basic TestAccCIDeployRole_basic
  TestAccAppSecretPath_accessProofs TestAccOIDCGroupBinding_accessProof TestAccNamespaceCASyncPolicy_accessProof
  TestAccProviderPolicy_proof TestAccProvider_jwtLogin
  TestAccServerVersion
)
# TestAccInstall_privateRegistry (internal/registry) is not in the subset
# yet: its checks read Terraform's `init` wording and it has not been tried
# with OpenTofu. make testacc runs it with Terraform.
packages=(./internal/provider ./internal/vaultclient)
run="^($(IFS='|'; echo "${tests[*]}"))\$"

# row NAME VAR=VALUE...: the subset with the given environment.
row() {
  local name="$1"
  shift
  say "compatibility: $name: demo"
  if ! env "$@" scripts/demo.sh >"$log/demo.log" 2>&1; then
    cat "$log/demo.log"
    echo "testcompat: the demo failed on $name" >&2
    return 1
  fi
  say "compatibility: $name: module tests"
  env "$@" scripts/testmodule.sh
  say "compatibility: $name: ${#tests[@]} acceptance tests"
  env "$@" TF_ACC=1 go test -count=1 -timeout 15m "${packages[@]}" -run "$run"
}

# terraform-plugin-testing names the provider under test
# registry.terraform.io/hashicorp/vaultboot unless told OpenTofu's host.
row "Vault v1.13.0 + OpenTofu v1.12.6" \
  VAULTBOOT_VAULT_BIN="$root/bin/vault" VAULTBOOT_CLI=tofu TF_ACC_PROVIDER_HOST=registry.opentofu.org
