# managed by vaultboot: production/_provider

# environment stamp: every resource reads it - vaultboot_environment writes it after its markers
path "vaultboot/data/environment" {
  capabilities = ["read", "update"]
}

# environment stamp markers: written first - deleted on destroy
path "vaultboot/metadata/environment" {
  capabilities = ["create", "update", "delete"]
}

# vaultboot_environment: read the mount - enable it when absent - a KV mount and nothing else
path "sys/mounts/vaultboot" {
  capabilities = ["read", "update"]
  allowed_parameters = {
    "type" = ["kv"]
    "description" = []
    "options" = []
  }
}

# vaultboot_environment: read the mount - enable it when absent - a KV mount and nothing else
path "sys/mounts/secret" {
  capabilities = ["read", "update"]
  allowed_parameters = {
    "type" = ["kv"]
    "description" = []
    "options" = []
  }
}

# app secrets: metadata only - no read of secret values - delete erases history: allow_purge
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

# CA sync documents: written after their markers
path "secret/data/_vaultboot/production/ca-sync/+" {
  capabilities = ["read", "update"]
}

# CA sync document markers: written first - deleted on destroy
path "secret/metadata/_vaultboot/production/ca-sync/+" {
  capabilities = ["create", "read", "update", "delete"]
}

# CA sync source: a PKI mount CA chain
path "pki/cert/ca_chain" {
  capabilities = ["read"]
}

# CA sync source: a PKI mount CA chain
path "pki_int/cert/ca_chain" {
  capabilities = ["read"]
}

# CA sync source: a CA bundle in KV
path "secret/data/platform/vault-ca" {
  capabilities = ["read"]
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

# binding group aliases: create on the binding mounts only - not scoped to E as Vault names aliases by id
path "identity/group-alias" {
  capabilities = ["update"]
  allowed_parameters = {
    "name" = []
    "mount_accessor" = ["auth_jwt_5e6f7a8b", "auth_oidc_1a2b3c4d"]
    "canonical_id" = []
  }
}

# binding group aliases: update by id on the binding mounts only
path "identity/group-alias/id/*" {
  capabilities = ["update"]
  allowed_parameters = {
    "name" = []
    "mount_accessor" = ["auth_jwt_5e6f7a8b", "auth_oidc_1a2b3c4d"]
    "canonical_id" = []
  }
}

# binding group aliases: find the group holding an IdP group id - by alias on the binding mounts only
path "identity/lookup/group" {
  capabilities = ["update"]
  allowed_parameters = {
    "alias_name" = []
    "alias_mount_accessor" = ["auth_jwt_5e6f7a8b", "auth_oidc_1a2b3c4d"]
  }
}

# binding auth mount: read its type and accessor - sys/auth is a sudo path
path "sys/auth/jwt-github" {
  capabilities = ["read", "sudo"]
}

# binding auth mount: read what it trusts - a mount trusting the CI is refused
path "auth/jwt-github/config" {
  capabilities = ["read"]
}

# binding login roles: the fields a binding sends - pinned role type and claims - never token policies of their own
path "auth/jwt-github/role/production-*" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "role_type" = ["jwt"]
    "user_claim" = ["oid", "sub"]
    "groups_claim" = ["groups"]
    "bound_audiences" = []
    "bound_claims_type" = ["string"]
    "bound_claims" = []
    "allowed_redirect_uris" = []
    "oidc_scopes" = []
    "token_ttl" = []
    "token_max_ttl" = []
    "token_policies" = [[]]
  }
}

# binding auth mount: read its type and accessor - sys/auth is a sudo path
path "sys/auth/oidc" {
  capabilities = ["read", "sudo"]
}

# binding auth mount: read what it trusts - a mount trusting the CI is refused
path "auth/oidc/config" {
  capabilities = ["read"]
}

# binding login roles: the fields a binding sends - pinned role type and claims - never token policies of their own
path "auth/oidc/role/production-*" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "role_type" = ["oidc"]
    "user_claim" = ["oid", "sub"]
    "groups_claim" = ["groups"]
    "bound_audiences" = []
    "bound_claims_type" = ["string"]
    "bound_claims" = []
    "allowed_redirect_uris" = []
    "oidc_scopes" = []
    "token_ttl" = []
    "token_max_ttl" = []
    "token_policies" = [[]]
  }
}

# the deploy roles JWT mount: read what it trusts - no binding mount may trust the same
path "auth/ci-jwt/config" {
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
path "auth/ci-jwt/role/production-deploy-*" {
  capabilities = ["deny"]
}

# Vault lowercases the name: production-DEPLOY-N would write production-deploy-N
path "auth/ci-jwt/role/production-D*" {
  capabilities = ["deny"]
}

path "auth/ci-jwt/role/production-dE*" {
  capabilities = ["deny"]
}

path "auth/ci-jwt/role/production-deP*" {
  capabilities = ["deny"]
}

path "auth/ci-jwt/role/production-depL*" {
  capabilities = ["deny"]
}

path "auth/ci-jwt/role/production-deplO*" {
  capabilities = ["deny"]
}

path "auth/ci-jwt/role/production-deploY*" {
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

path "auth/jwt-github/role/production-deploy-*" {
  capabilities = ["deny"]
}

# Vault lowercases the name: production-DEPLOY-N would write production-deploy-N
path "auth/jwt-github/role/production-D*" {
  capabilities = ["deny"]
}

path "auth/jwt-github/role/production-dE*" {
  capabilities = ["deny"]
}

path "auth/jwt-github/role/production-deP*" {
  capabilities = ["deny"]
}

path "auth/jwt-github/role/production-depL*" {
  capabilities = ["deny"]
}

path "auth/jwt-github/role/production-deplO*" {
  capabilities = ["deny"]
}

path "auth/jwt-github/role/production-deploY*" {
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

# CA sync document internal: owned by the administrator - a pipeline cannot point the syncer at another CA
path "secret/data/_vaultboot/production/ca-sync/internal" {
  capabilities = ["deny"]
}

path "secret/metadata/_vaultboot/production/ca-sync/internal" {
  capabilities = ["deny"]
}
