# The bootstrap project: applied once per Vault by an administrator (a token
# from VAULT_TOKEN that may write policies, auth roles and the KV mount), after
# prerequisites.sh has enabled the auth mounts and the PKI CA. It stamps the
# Vault with its environment and creates the JWT roles the tagged-commit
# pipelines log in with. From then on CI applies the environment project
# (../integration or ../production) with nothing but its ID token.
#
#   terraform apply -var-file=integration.tfvars   # against the integration Vault
#   terraform apply -var-file=production.tfvars    # against the production Vault
terraform {
  required_version = ">= 1.8"

  required_providers {
    vaultboot = {
      source = "vaultboot/vaultboot"
    }
  }
}

variable "environment" {
  type        = string
  description = "The environment this Vault serves: \"integration\" or \"production\"."

  validation {
    condition     = contains(["integration", "production"], var.environment)
    error_message = "environment is \"integration\" or \"production\": the CI pipelines in examples/ci apply exactly these two."
  }
}

variable "vault_address" {
  type        = string
  description = "The Vault to bootstrap. Unset: VAULT_ADDR."
  default     = null
}

variable "owner" {
  type        = string
  description = "The project that manages the stamp and the deploy roles (recorded on them as their owner). The environment projects own what they create under their own CI project path."
  default     = "platform/vault-bootstrap"
}

variable "gitlab_project_path" {
  type        = string
  description = "The GitLab project whose protected tags may apply the environment projects (the ID token's project_path claim)."
  default     = "platform/vault-config"
}

variable "github_repository" {
  type        = string
  description = "The GitHub repository whose tags may apply the environment projects (the ID token's repository claim)."
  default     = "platform/vault-config"
}

locals {
  # The audience both pipelines request their ID token for; examples/ci
  # requests exactly this (a test keeps them in step).
  ci_audience = "https://vault.example.internal"

  # The PKI mounts the environment projects' CA sync policies read: the
  # deploy roles' policy grants reading exactly these.
  pki_mounts = ["pki"]

  # Claims each environment's deploy roles require on top of ref_type = "tag",
  # which the resource always adds. Production also requires the CI job to
  # run in the protected "production" environment, whose approval rules
  # (GitLab protected environments, GitHub required reviewers) then stand
  # between a tag and the production Vault.
  gitlab_claims = {
    integration = {
      project_path  = [var.gitlab_project_path]
      ref_protected = ["true"]
    }
    production = {
      project_path          = [var.gitlab_project_path]
      ref_protected         = ["true"]
      environment           = ["production"]
      environment_protected = ["true"]
    }
  }
  github_claims = {
    integration = {
      repository = [var.github_repository]
    }
    production = {
      repository  = [var.github_repository]
      environment = ["production"]
    }
  }
}

# Administrator's token: VAULT_TOKEN (or ~/.vault-token).
provider "vaultboot" {
  address     = var.vault_address
  environment = var.environment
  owner       = var.owner
}

resource "vaultboot_environment" "this" {
  description = "${var.environment} Vault, bootstrapped by examples/environments/bootstrap"
}

# <environment>-deploy-gitlab: protected tags of the GitLab project.
resource "vaultboot_ci_deploy_role" "gitlab" {
  name            = "gitlab"
  bound_audiences = [local.ci_audience]
  bound_claims    = local.gitlab_claims[var.environment]
  pki_mounts      = local.pki_mounts

  depends_on = [vaultboot_environment.this]
}

# <environment>-deploy-github: tags of the GitHub repository.
resource "vaultboot_ci_deploy_role" "github" {
  name            = "github"
  bound_audiences = [local.ci_audience]
  bound_claims    = local.github_claims[var.environment]
  pki_mounts      = local.pki_mounts

  depends_on = [vaultboot_environment.this]
}

# Merge-request plans: <environment>-deploy-gitlab-mr and -github-pr accept
# branch pipelines, on both Vaults, so reviewers see the real plan of each
# environment. mode = "plan" gives them the read-only variant of the provider
# policy: a merge request pipeline can run a refreshing terraform plan and
# write nothing. Only protected tags apply.
resource "vaultboot_ci_deploy_role" "gitlab_mr" {
  name            = "gitlab-mr"
  mode            = "plan"
  bound_audiences = [local.ci_audience]
  bound_claims    = { project_path = [var.gitlab_project_path] }
  allow_branches  = true
  pki_mounts      = local.pki_mounts

  depends_on = [vaultboot_environment.this]
}

resource "vaultboot_ci_deploy_role" "github_pr" {
  name            = "github-pr"
  mode            = "plan"
  bound_audiences = [local.ci_audience]
  bound_claims    = { repository = [var.github_repository] }
  allow_branches  = true
  pki_mounts      = local.pki_mounts

  depends_on = [vaultboot_environment.this]
}

output "deploy_roles" {
  description = "The JWT roles the pipelines log in with (auth/jwt/role/<name>)."
  value = {
    gitlab    = vaultboot_ci_deploy_role.gitlab.role_name
    github    = vaultboot_ci_deploy_role.github.role_name
    gitlab_mr = vaultboot_ci_deploy_role.gitlab_mr.role_name
    github_pr = vaultboot_ci_deploy_role.github_pr.role_name
  }
}
