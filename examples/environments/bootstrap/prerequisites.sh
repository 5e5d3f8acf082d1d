#!/usr/bin/env bash
# The mounts the conventions need, enabled once per Vault by an administrator
# before `terraform apply` of this bootstrap project (VAULT_ADDR and an
# administrator's VAULT_TOKEN in the environment). Each step is skipped when
# the mount already exists. The Getting started guide explains each one.
#
#   CI_ISSUER               the pipelines' token issuer: https://gitlab.com (or
#                           your GitLab's URL) or https://token.actions.githubusercontent.com
#   CI_JWT_PUBKEY_FILE      optional: verify CI tokens with this PEM public key
#                           instead of the issuer's OIDC discovery document
#   KUBERNETES_HOST         the cluster's API server URL, as Vault reaches it
#   KUBERNETES_CA_CERT_FILE the cluster's CA certificate (PEM)
#   VAULT_CLI               the vault binary (default: vault on PATH)
set -euo pipefail
vault="${VAULT_CLI:-vault}"

has_auth() { "$vault" read "sys/auth/$1" >/dev/null 2>&1; }
has_mount() { "$vault" read "sys/mounts/$1" >/dev/null 2>&1; }

# Pods log in through Kubernetes auth (app roles, CA syncer roles).
if ! has_auth kubernetes; then
  "$vault" auth enable kubernetes
fi
"$vault" write auth/kubernetes/config \
  kubernetes_host="$KUBERNETES_HOST" \
  kubernetes_ca_cert=@"$KUBERNETES_CA_CERT_FILE" \
  disable_local_ca_jwt=true

# People log in through OIDC; group bindings put group aliases on this mount.
# Configure it with your IdP (oidc_discovery_url, oidc_client_id, ...) as its
# documentation says; vaultboot only needs the mount to exist.
if ! has_auth oidc; then
  "$vault" auth enable oidc
fi

# Pipelines log in through JWT auth with their ID token.
if ! has_auth jwt; then
  "$vault" auth enable jwt
fi
if [ -n "${CI_JWT_PUBKEY_FILE:-}" ]; then
  "$vault" write auth/jwt/config bound_issuer="$CI_ISSUER" jwt_validation_pubkeys=@"$CI_JWT_PUBKEY_FILE"
else
  "$vault" write auth/jwt/config bound_issuer="$CI_ISSUER" oidc_discovery_url="$CI_ISSUER"
fi

# The internal CA that CA sync policies publish (skip it when your CA lives
# elsewhere and CA sync policies read it from KV or take it as PEM).
if ! has_mount pki; then
  "$vault" secrets enable pki
  "$vault" secrets tune -max-lease-ttl=87600h pki
  "$vault" write -field=certificate pki/root/generate/internal \
    common_name="Vault internal CA" ttl=87600h >/dev/null
fi
