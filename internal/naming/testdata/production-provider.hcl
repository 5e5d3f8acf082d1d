# managed by vaultboot: production/_provider

# environment stamp: every resource reads it - vaultboot_environment writes it
path "vaultboot/data/environment" {
  capabilities = ["create", "read", "update"]
}

# environment stamp markers - deleted on destroy
path "vaultboot/metadata/environment" {
  capabilities = ["create", "read", "update", "delete"]
}

# v1 environment stamp: the guard reads it so no stamp contradicts another
path "secret/data/_vaultboot/environment" {
  capabilities = ["read"]
}

# vaultboot_environment: read the mount - enable it when absent
path "sys/mounts/vaultboot" {
  capabilities = ["read", "update"]
}

# vaultboot_environment: read the mount - enable it when absent
path "sys/mounts/secret" {
  capabilities = ["read", "update"]
}

# app secrets: metadata only - no read of secret values
path "secret/metadata/production/+" {
  capabilities = ["create", "read", "update", "delete"]
}

# app read and write policies and CA sync policies
path "sys/policies/acl/production-*" {
  capabilities = ["read", "update", "delete"]
}

# app and CA syncer Kubernetes auth roles
path "auth/kubernetes/role/production-*" {
  capabilities = ["create", "read", "update", "delete"]
}

# CA sync documents
path "secret/data/_vaultboot/production/ca-sync/+" {
  capabilities = ["create", "read", "update"]
}

# CA sync document markers - deleted on destroy
path "secret/metadata/_vaultboot/production/ca-sync/+" {
  capabilities = ["create", "read", "update", "delete"]
}

# binding identity groups
path "identity/group/name/production-*" {
  capabilities = ["read", "update", "delete"]
}

# binding group aliases: create - not scoped to E as Vault names aliases by id
path "identity/group-alias" {
  capabilities = ["update"]
}

# binding group aliases: update by id - not scoped to E
path "identity/group-alias/id/*" {
  capabilities = ["update"]
}

# binding group aliases: find the group holding an IdP group id - not scoped to E
path "identity/lookup/group" {
  capabilities = ["update"]
}

# binding auth mount: read its type and accessor - sys/auth is a sudo path
path "sys/auth/oidc" {
  capabilities = ["read", "sudo"]
}

# binding login roles
path "auth/oidc/role/production-*" {
  capabilities = ["create", "read", "update", "delete"]
}

# never the deploy roles policies
path "sys/policies/acl/production-deploy-*" {
  capabilities = ["deny"]
}

# never the deploy roles
path "auth/jwt/role/production-deploy-*" {
  capabilities = ["deny"]
}

path "identity/group/name/production-deploy-*" {
  capabilities = ["deny"]
}

path "auth/kubernetes/role/production-deploy-*" {
  capabilities = ["deny"]
}

path "auth/oidc/role/production-deploy-*" {
  capabilities = ["deny"]
}
