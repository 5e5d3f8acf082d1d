import {
  to = vaultboot_namespace_ca_sync_policy.internal_ca
  id = "internal-ca"
}
