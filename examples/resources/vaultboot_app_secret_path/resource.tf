# The payments service: its secret lives at secret/data/production/payments,
# its pods (service account "payments" in namespace "payments") read it
# through the Kubernetes auth role production-payments, and its owners get
# the policy production-payments-write (bind it to their IdP group with
# vaultboot_oidc_group_binding).
resource "vaultboot_app_secret_path" "payments" {
  app         = "payments"
  description = "Payment service (team payments)"

  kubernetes {
    namespaces       = ["payments"]
    service_accounts = ["payments", "payments-worker"]
    token_ttl        = "1h"
    token_max_ttl    = "24h"
  }

  max_versions    = 20
  custom_metadata = { team = "payments", oncall = "payments-oncall" }
}

# An app whose secret only people and CI write and read: no Kubernetes role.
# Destroying it deletes every stored version too.
resource "vaultboot_app_secret_path" "reporting" {
  app              = "reporting"
  purge_on_destroy = true
}

# A worker that reads its secret as a JSON file (/vault/secrets/app.json),
# and whose injected agent trusts Vault's internal CA, synced into its
# namespace as a Secret by a CA sync policy (see that resource's example).
resource "vaultboot_app_secret_path" "ledger" {
  app             = "ledger"
  template_format = "json"

  kubernetes {
    namespaces       = ["ledger"]
    service_accounts = ["ledger"]
  }

  injector_tls = vaultboot_namespace_ca_sync_policy.internal_ca.injector_tls
}

# The pod template annotations for the Vault Agent Injector: the pod gets
# /vault/secrets/app.env with one export KEY='value' line per key of the
# secret, ready for `. /vault/secrets/app.env`.
output "payments_pod_annotations" {
  value = vaultboot_app_secret_path.payments.agent_annotations
}
