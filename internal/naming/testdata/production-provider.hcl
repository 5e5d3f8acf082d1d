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

# binding login roles: never with token policies of their own
path "auth/oidc/role/production-*" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "*" = []
    "token_policies" = [[]]
  }
  denied_parameters = {
    "policies" = []
  }
}

# never the deploy roles policies
path "sys/policies/acl/production-deploy-*" {
  capabilities = ["deny"]
}

# Vault lowercases policy names: E-DEPLOY-N would write E-deploy-N
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

path "identity/group/name/production-deploy-*" {
  capabilities = ["deny"]
}

path "auth/kubernetes/role/production-deploy-*" {
  capabilities = ["deny"]
}

path "auth/oidc/role/production-deploy-*" {
  capabilities = ["deny"]
}
