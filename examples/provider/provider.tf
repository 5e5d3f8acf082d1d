terraform {
  required_providers {
    vaultboot = {
      source = "vaultboot/vaultboot"
    }
  }
}

# A token from VAULT_TOKEN (or ~/.vault-token) and the address from VAULT_ADDR
# work too; environment is always required. owner falls back to
# VAULTBOOT_OWNER, then CI_PROJECT_PATH (GitLab) or GITHUB_REPOSITORY (GitHub).
provider "vaultboot" {
  address      = "https://vault.internal:8200"
  ca_cert_file = "/etc/ssl/internal-ca.pem"
  environment  = "production"
  owner        = "platform/vault-config"

  # In CI, log in with the pipeline's ID token instead of a token.
  auth_login_jwt {
    role = "production-deploy-gitlab" # vaultboot_ci_deploy_role "gitlab": E-deploy-N
    jwt  = var.ci_id_token
  }

  conventions {
    kv_mount              = "secret"
    kubernetes_auth_mount = "kubernetes"
    oidc_auth_mount       = "oidc"
  }

  retry_timeout = "2m"
}

variable "ci_id_token" {
  type      = string
  sensitive = true
}
