# managed by vaultboot: production/_provider

# environment stamp: every resource reads it - written by the administrator alone
path "vaultboot/data/environment" {
  capabilities = ["read"]
}

# the conventions KV mount: checked to be KV v2 before a write
path "sys/mounts/secret" {
  capabilities = ["read"]
}

# app secrets: metadata only - no read of secret values - no delete so no history is erased
path "secret/metadata/production/+" {
  capabilities = ["create", "read", "update"]
}

# app read and write policies and CA sync policies
path "sys/policies/acl/production-*" {
  capabilities = ["read", "update", "delete"]
}

# app and CA syncer Kubernetes auth roles
path "auth/kubernetes/role/production-*" {
  capabilities = ["create", "read", "update", "delete"]
}

# CA sync documents: written after their markers
path "secret/data/_vaultboot/production/ca-sync/+" {
  capabilities = ["read", "update"]
}

# CA sync document markers: written first - deleted on destroy
path "secret/metadata/_vaultboot/production/ca-sync/+" {
  capabilities = ["create", "read", "update", "delete"]
}

# binding identity groups: external only - members come from the IdP alone
path "identity/group/name/production-*" {
  capabilities = ["read", "update", "delete"]
  allowed_parameters = {
    "type" = ["external"]
    "policies" = []
    "metadata" = []
  }
  required_parameters = ["type"]
}

# binding auth mount: read its type and accessor - sys/auth is a sudo path
path "sys/auth/oidc" {
  capabilities = ["read", "sudo"]
}

# binding auth mount: read what it trusts - a mount trusting the CI is refused
path "auth/oidc/config" {
  capabilities = ["read"]
}

# the deploy roles JWT mount: read what it trusts - no binding mount may trust the same
path "auth/jwt/config" {
  capabilities = ["read"]
}

# never the deploy roles policies
path "sys/policies/acl/production-deploy-*" {
  capabilities = ["deny"]
}

# Vault lowercases the name: production-DEPLOY-N would write production-deploy-N
path "sys/policies/acl/production-D*" {
  capabilities = ["deny"]
}

path "sys/policies/acl/production-dE*" {
  capabilities = ["deny"]
}

path "sys/policies/acl/production-deP*" {
  capabilities = ["deny"]
}

path "sys/policies/acl/production-depL*" {
  capabilities = ["deny"]
}

path "sys/policies/acl/production-deplO*" {
  capabilities = ["deny"]
}

path "sys/policies/acl/production-deploY*" {
  capabilities = ["deny"]
}

# never the deploy roles
path "auth/jwt/role/production-deploy-*" {
  capabilities = ["deny"]
}

# Vault lowercases the name: production-DEPLOY-N would write production-deploy-N
path "auth/jwt/role/production-D*" {
  capabilities = ["deny"]
}

path "auth/jwt/role/production-dE*" {
  capabilities = ["deny"]
}

path "auth/jwt/role/production-deP*" {
  capabilities = ["deny"]
}

path "auth/jwt/role/production-depL*" {
  capabilities = ["deny"]
}

path "auth/jwt/role/production-deplO*" {
  capabilities = ["deny"]
}

path "auth/jwt/role/production-deploY*" {
  capabilities = ["deny"]
}

path "identity/group/name/production-deploy-*" {
  capabilities = ["deny"]
}

# Vault lowercases the name: production-DEPLOY-N would write production-deploy-N
path "identity/group/name/production-D*" {
  capabilities = ["deny"]
}

path "identity/group/name/production-dE*" {
  capabilities = ["deny"]
}

path "identity/group/name/production-deP*" {
  capabilities = ["deny"]
}

path "identity/group/name/production-depL*" {
  capabilities = ["deny"]
}

path "identity/group/name/production-deplO*" {
  capabilities = ["deny"]
}

path "identity/group/name/production-deploY*" {
  capabilities = ["deny"]
}

path "auth/kubernetes/role/production-deploy-*" {
  capabilities = ["deny"]
}

# Vault lowercases the name: production-DEPLOY-N would write production-deploy-N
path "auth/kubernetes/role/production-D*" {
  capabilities = ["deny"]
}

path "auth/kubernetes/role/production-dE*" {
  capabilities = ["deny"]
}

path "auth/kubernetes/role/production-deP*" {
  capabilities = ["deny"]
}

path "auth/kubernetes/role/production-depL*" {
  capabilities = ["deny"]
}

path "auth/kubernetes/role/production-deplO*" {
  capabilities = ["deny"]
}

path "auth/kubernetes/role/production-deploY*" {
  capabilities = ["deny"]
}

path "auth/oidc/role/production-deploy-*" {
  capabilities = ["deny"]
}

# Vault lowercases the name: production-DEPLOY-N would write production-deploy-N
path "auth/oidc/role/production-D*" {
  capabilities = ["deny"]
}

path "auth/oidc/role/production-dE*" {
  capabilities = ["deny"]
}

path "auth/oidc/role/production-deP*" {
  capabilities = ["deny"]
}

path "auth/oidc/role/production-depL*" {
  capabilities = ["deny"]
}

path "auth/oidc/role/production-deplO*" {
  capabilities = ["deny"]
}

path "auth/oidc/role/production-deploY*" {
  capabilities = ["deny"]
}
