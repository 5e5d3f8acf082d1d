# managed by vaultboot: production/payments

path "secret/data/production/payments" {
  capabilities = ["create", "read", "update", "patch", "delete"]
}

path "secret/data/production/payments/*" {
  capabilities = ["create", "read", "update", "patch", "delete"]
}

path "secret/metadata/production/payments" {
  capabilities = ["read", "list"]
}

path "secret/metadata/production/payments/*" {
  capabilities = ["read", "list"]
}

path "secret/delete/production/payments" {
  capabilities = ["update"]
}

path "secret/delete/production/payments/*" {
  capabilities = ["update"]
}

path "secret/undelete/production/payments" {
  capabilities = ["update"]
}

path "secret/undelete/production/payments/*" {
  capabilities = ["update"]
}
