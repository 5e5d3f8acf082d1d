# The bootstrap project, applied by an administrator: the role the
# production project's tag pipelines log in with. Its policy is the
# provider policy for the same inputs the production project uses.
resource "vaultboot_ci_deploy_role" "production" {
  name            = "vault-config"
  bound_audiences = ["https://vault.internal:8200"]
  bound_claims = {
    project_path  = ["platform/vault-production"] # GitLab; GitHub: repository
    ref_protected = ["true"]                      # protected tags only
  }
  # ref_type = ["tag"] is always bound (allow_branches = false).

  pki_mounts = ["pki_int"] # as the production project's CA sync policies use
}

# The production project's pipeline then logs in with its ID token:
#
# provider "vaultboot" {
#   environment = "production"
#   auth_login_jwt {
#     role = vaultboot_ci_deploy_role.production.role_name  # "production-deploy-vault-config"
#     jwt  = var.ci_id_token                                 # or VAULTBOOT_AUTH_JWT
#   }
# }
