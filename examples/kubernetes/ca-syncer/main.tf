# The policy the syncer in vault-system follows: the CA of the PKI mount pki
# reaches every namespace whose name starts with team- (except team-sandbox)
# or that carries vault.internal/inject=true, as the Secret vault-ca. The
# syncer logs in through the Kubernetes auth role E-ca-sync-internal-ca (E is
# the provider's environment) and reads the document at document_path.
resource "vaultboot_namespace_ca_sync_policy" "ca_syncer" {
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
    kind = "Secret"
    name = "vault-ca"
    key  = "ca.crt"
  }
  syncer {
    namespace       = "vault-system"
    service_account = "vaultboot-ca-syncer"
  }
}

output "syncer_document" {
  value = vaultboot_namespace_ca_sync_policy.ca_syncer.document_path
}
