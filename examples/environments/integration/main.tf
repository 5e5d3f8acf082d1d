# The integration environment project: the shared conventions module with
# integration's own values. CI applies it on every release tag (see
# examples/ci) with nothing but the pipeline's ID token, which it exchanges at
# auth/jwt for a short-lived token of the deploy role the bootstrap project
# created.
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
  description = "The integration Vault."
  default     = "https://vault.integration.example.internal:8200"
}

variable "deploy_role" {
  type        = string
  description = "The JWT role the pipeline logs in with: integration-deploy-gitlab or integration-deploy-github on tags, integration-deploy-gitlab-mr or integration-deploy-github-pr for merge-request plans."
  default     = "integration-deploy-gitlab"
}

# The ID token comes from VAULTBOOT_AUTH_JWT, which the pipeline sets; the
# owner recorded on every object from CI_PROJECT_PATH / GITHUB_REPOSITORY.
provider "vaultboot" {
  address     = var.vault_address
  environment = "integration"

  auth_login_jwt {
    role = var.deploy_role
  }
}

module "conventions" {
  source = "../../modules/vault-conventions"

  environment = "integration"

  apps = {
    payments = {
      description      = "Payment service"
      namespaces       = ["team-payments"]
      service_accounts = ["payments", "payments-worker"]
      owner_group      = "payments-devs"
    }
    billing = {
      description      = "Billing API and invoice worker"
      namespaces       = ["team-billing", "team-billing-jobs"]
      service_accounts = ["billing-api", "invoice-worker"]
      owner_group      = "billing-devs"
      kv               = { max_versions = 25 }
    }
  }

  # Integration's IdP groups: the developers write their apps here.
  groups = {
    payments-devs = { group_id = "int-payments-developers" }
    billing-devs  = { group_id = "int-billing-developers" }
  }

  ca_sync_policies = {
    vault-ca = {
      ca_source  = { pki_mount = "pki" }
      namespaces = { match_prefixes = ["team-"] }
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
