# The payments developers (one IdP group) may write payments' secrets in this
# environment. In a shared module, group ids differ per environment project:
# pass them in as variables.
variable "payments_devs_group_id" {
  type        = string
  description = "The payments developers' group id as it appears in the IdP token's groups claim."
  default     = "8f1c2d3e-4b5a-6789-abcd-ef0123456789"
}

resource "vaultboot_oidc_group_binding" "payments_devs" {
  name     = "payments-devs"
  group_id = var.payments_devs_group_id
  # The payments app's write policy (E-payments-write): refer to the app
  # resource rather than typing the name, so the binding follows the app.
  policies = [vaultboot_app_secret_path.payments.write_policy]

  # Optional: a login role "production-payments-devs" on the OIDC mount that
  # only members of the group can log in through.
  login_role {
    allowed_redirect_uris = [
      "https://vault.internal:8200/ui/vault/auth/oidc/oidc/callback",
      "http://localhost:8250/oidc/callback",
    ]
    oidc_scopes = ["groups"]
    bound_claims = {
      tid = ["3c9d7a52-0000-4000-8000-000000000001"] # only our IdP tenant
    }
    token_ttl     = "1h"
    token_max_ttl = "8h"
  }
}

# Members log in with:
#   vault login -method=oidc -path=oidc role=production-payments-devs
output "payments_devs_login_role" {
  value = vaultboot_oidc_group_binding.payments_devs.login_role.role_name
}
