# The production environment project: the same conventions module with
# production's values. CI applies it on release tags only, after the
# integration apply of the same tag and an approval of the protected
# "production" environment (see examples/ci). Pointed at any Vault not
# stamped "production" it fails at plan, before any change.
terraform {
  required_version = ">= 1.8"

  required_providers {
    vaultboot = {
      source = "vaultboot/vaultboot"
    }
  }
}

variable "vault_address" {
  type        = string
  description = "The production Vault."
  default     = "https://vault.example.internal:8200"
}

variable "deploy_role" {
  type        = string
  description = "The JWT role the pipeline logs in with: production-deploy-gitlab or production-deploy-github."
  default     = "production-deploy-gitlab"
}

# The ID token comes from VAULTBOOT_AUTH_JWT, which the pipeline sets; the
# owner recorded on every object from CI_PROJECT_PATH / GITHUB_REPOSITORY.
provider "vaultboot" {
  address     = var.vault_address
  environment = "production"

  auth_login_jwt {
    role = var.deploy_role
  }
}

module "conventions" {
  source = "../../modules/vault-conventions"

  environment = "production"

  apps = {
    payments = {
      description      = "Payment service"
      namespaces       = ["team-payments"]
      service_accounts = ["payments", "payments-worker"]
      token_ttl        = "1h"
      owner_group      = "payments-owners"
      kv               = { max_versions = 50, cas_required = true }
    }
    billing = {
      description      = "Billing API and invoice worker"
      namespaces       = ["team-billing", "team-billing-jobs"]
      service_accounts = ["billing-api", "invoice-worker"]
      token_ttl        = "1h"
      owner_group      = "billing-owners"
      kv               = { max_versions = 50, cas_required = true }
    }
  }

  # In production only each app's one or two owners write its secret.
  groups = {
    payments-owners = { group_id = "prod-payments-owners" }
    billing-owners  = { group_id = "prod-billing-owners" }
  }

  ca_sync_policies = {
    vault-ca = {
      ca_source  = { pki_mount = "pki" }
      namespaces = { match_prefixes = ["team-"], exclude_names = ["team-sandbox"] }
      target     = { kind = "Secret", name = "vault-ca", key = "ca.crt" }
      syncer     = { namespace = "vault-system", service_account = "vault-ca-syncer" }
    }
  }
}

output "apps" {
  description = "Paths, policies and injector annotations per app."
  value       = module.conventions.apps
}

output "groups" {
  description = "Identity groups and their policies per IdP group."
  value       = module.conventions.groups
}
