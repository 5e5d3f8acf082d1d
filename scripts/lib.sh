# Shared by scripts/demo.sh and scripts/testmodule.sh: start a throwaway
# Vault dev server on loopback and run the locally built provider through a
# temporary dev_overrides CLI config. Source it after setting:
#   root  the repository root      work  a private temporary directory
# It sets vault, tf and vault_pid, and exports VAULT_ADDR / VAULT_TOKEN when
# it starts a server. The caller's EXIT trap calls stop_vault.
# VAULTBOOT_VAULT_BIN picks another Vault binary, VAULTBOOT_CLI=tofu runs
# OpenTofu instead of Terraform (make testcompat does).

vault="${VAULTBOOT_VAULT_BIN:-$root/bin/vault}"
case "${VAULTBOOT_CLI:-terraform}" in
  terraform) tf="$("$root/scripts/ensure-terraform.sh")" ;;
  tofu) tf="$root/bin/tofu" ;;
  *) echo "VAULTBOOT_CLI=$VAULTBOOT_CLI: use terraform (the default) or tofu" >&2; exit 1 ;;
esac
vault_pid=""

say() { printf '==> %s\n' "$*"; }

# require_vault fails with what to run when bin/vault has not been built.
require_vault() {
  local bin
  for bin in "$vault" "$tf"; do
    if [ ! -x "$bin" ]; then
      echo "$bin is missing: run 'make tools' first (make demo and make test do)" >&2
      exit 1
    fi
  done
}

# start_vault starts one of the test harness's dev servers (the same binary,
# flags and scrubbed environment as the tests'), through its devvault
# command, and waits until it has written its address and token.
start_vault() {
  # Never lend the dev server's commands a namespace or CA of the caller's shell.
  unset VAULT_NAMESPACE VAULT_CACERT VAULT_CLIENT_CERT VAULT_CLIENT_KEY VAULT_SKIP_VERIFY
  (cd "$root" && go build -o "$work/devvault" ./internal/testharness/devvault)
  VAULTBOOT_VAULT_BIN="$vault" "$work/devvault" -env-file "$work/vault.env" >"$work/vault.log" 2>&1 &
  vault_pid=$!
  for _ in $(seq 1 600); do
    if [ -f "$work/vault.env" ]; then
      # shellcheck source=/dev/null
      . "$work/vault.env"
      export VAULT_ADDR VAULT_TOKEN
      say "Vault dev server ready at $VAULT_ADDR (pid $vault_pid)"
      return 0
    fi
    kill -0 "$vault_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "the Vault dev server did not start; its log:" >&2
  cat "$work/vault.log" >&2
  vault_pid=""
  return 1
}

# stop_vault stops the server start_vault started, if any.
stop_vault() {
  if [ -n "$vault_pid" ]; then
    kill "$vault_pid" 2>/dev/null || true
    wait "$vault_pid" 2>/dev/null || true
    vault_pid=""
  fi
}

# enable_placeholder_kubernetes enables auth/kubernetes with a config no
# login can pass: apps with a kubernetes block need the mount, and there is
# no cluster behind a dev server.
enable_placeholder_kubernetes() {
  "$vault" auth enable kubernetes >/dev/null
  "$vault" write auth/kubernetes/config kubernetes_host="https://kubernetes.invalid:443" \
    disable_local_ca_jwt=true kubernetes_ca_cert="placeholder: no Kubernetes cluster behind this Vault" >/dev/null
}

# use_local_provider builds the provider into $work/plugins and points
# Terraform at it through a CLI config of our own (never ~/.terraformrc),
# for this run only.
use_local_provider() {
  say "building the provider"
  mkdir -p "$work/plugins"
  (cd "$root" && go build -o "$work/plugins/terraform-provider-vaultboot" .)
  # OpenTofu reads the unqualified source "vaultboot/vaultboot" as an address
  # on its own registry's host.
  local host=registry.terraform.io
  [ "${VAULTBOOT_CLI:-terraform}" = tofu ] && host=registry.opentofu.org
  cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "$host/vaultboot/vaultboot" = "$work/plugins"
  }
}
RC
  export TF_CLI_CONFIG_FILE="$work/terraformrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
  unset TF_DATA_DIR TF_WORKSPACE
}
