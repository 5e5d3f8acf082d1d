# The CA of the PKI mount that issues Vault's listener certificate reaches
# every team namespace as the Secret vault-ca, so the Vault Agent Injector
# there can speak TLS to Vault: an app wires it with
# injector_tls = vaultboot_namespace_ca_sync_policy.internal_ca.injector_tls.
# The syncer (a small controller in vault-system) logs in through the
# Kubernetes auth role E-ca-sync-internal-ca and reads the document at
# document_path.
resource "vaultboot_namespace_ca_sync_policy" "internal_ca" {
  name = "internal-ca"

  ca_source {
    pki_mount = "pki"
  }

  namespaces {
    match_prefixes = ["team-"]
    match_labels   = { "vault.internal/inject" = "true" }
    exclude_names  = ["team-sandbox"]
  }

  target {
    kind   = "Secret"
    name   = "vault-ca"
    key    = "ca.crt"
    labels = { "app.kubernetes.io/managed-by" = "vault-ca-syncer" }
  }

  syncer {
    namespace       = "vault-system"
    service_account = "vault-ca-syncer"
  }
}

# A bundle kept in KV (key ca.pem of secret/data/platform/vault-ca), written
# into a Secret for workloads that mount it.
resource "vaultboot_namespace_ca_sync_policy" "platform_bundle" {
  name = "platform-bundle"

  ca_source {
    kv_path = "platform/vault-ca"
    kv_key  = "ca.pem"
  }

  namespaces {
    match_names = ["payments", "billing"]
  }

  target {
    kind = "Secret"
    name = "internal-ca"
  }

  syncer {
    namespace       = "vault-system"
    service_account = "vault-ca-syncer"
  }
}

output "ca_fingerprint" {
  value = vaultboot_namespace_ca_sync_policy.internal_ca.ca_fingerprint_sha256
}
