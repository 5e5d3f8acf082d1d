# managed by vaultboot: production/ca-sync/internal

path "pki/cert/ca_chain" {
  capabilities = ["read"]
}

path "secret/data/_vaultboot/production/ca-sync/internal" {
  capabilities = ["read"]
}
