# managed by vaultboot: production/payments

path "secret/data/production/payments" {
  capabilities = ["read"]
}

path "secret/data/production/payments/*" {
  capabilities = ["read"]
}

path "secret/metadata/production/payments" {
  capabilities = ["read", "list"]
}

path "secret/metadata/production/payments/*" {
  capabilities = ["read", "list"]
}
