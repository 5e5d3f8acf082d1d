# make demo applies this project against a local Vault dev server (or the
# Vault in VAULT_ADDR). The provider comes from the local build through a
# temporary dev_overrides CLI config, so there is no terraform init.
terraform {
  required_providers {
    vaultboot = {
      source = "vaultboot/vaultboot"
    }
  }
}

# Address and token come from VAULT_ADDR and VAULT_TOKEN.
provider "vaultboot" {
  environment = "demo"
  owner       = "vaultboot/demo"
}

# Stamp the Vault as environment "demo": a provider configured for any other
# environment now refuses to change it. The apps wait for the stamp, so the
# environment guard finds it on their first request.
resource "vaultboot_environment" "demo" {
  description = "make demo: a throwaway local dev server"
}

# The payments service: its pods read secret/data/demo/payments, the
# payments team writes it.
resource "vaultboot_app_secret_path" "payments" {
  app         = "payments"
  description = "Payment service"

  kubernetes {
    namespaces       = ["payments"]
    service_accounts = ["payments"]
    token_ttl        = "1h"
  }

  custom_metadata = { team = "payments" }

  depends_on = [vaultboot_environment.demo]
}

# Billing runs an API and a worker in two namespaces.
resource "vaultboot_app_secret_path" "billing" {
  app         = "billing"
  description = "Billing API and invoice worker"

  kubernetes {
    namespaces       = ["billing", "billing-jobs"]
    service_accounts = ["billing-api", "invoice-worker"]
  }

  max_versions = 25

  depends_on = [vaultboot_environment.demo]
}

# Reporting has no pods in the cluster: only its owners and CI use the secret.
resource "vaultboot_app_secret_path" "reporting" {
  app          = "reporting"
  description  = "Nightly reporting job"
  cas_required = true

  depends_on = [vaultboot_environment.demo]
}

locals {
  apps = {
    for a in [vaultboot_app_secret_path.payments, vaultboot_app_secret_path.billing, vaultboot_app_secret_path.reporting] :
    a.app => a
  }
}

output "secret_paths" {
  description = "Where each app's secret lives (KV v2 data API path)."
  value       = { for name, a in local.apps : name => a.data_path }
}

output "policies" {
  description = "The read policy (for the app's pods) and the write policy (for its owners)."
  value       = { for name, a in local.apps : name => { read = a.read_policy, write = a.write_policy } }
}

output "kubernetes_roles" {
  description = "The Kubernetes auth role of each app that has pods."
  value       = { for name, a in local.apps : name => a.kubernetes_role if a.kubernetes != null }
}

output "payments_pod_annotations" {
  description = "Vault Agent Injector annotations for the payments Deployment's pod template."
  value       = vaultboot_app_secret_path.payments.agent_annotations
}

output "payments_read_policy" {
  description = "The read policy exactly as Vault holds it."
  value       = vaultboot_app_secret_path.payments.read_policy_document
}
