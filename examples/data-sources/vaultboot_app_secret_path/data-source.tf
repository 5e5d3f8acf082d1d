# In a deploy project: fail the plan when the payments secret lacks a key the
# release needs. Only key names are read, never values (the token needs read
# on the secret, e.g. the app's read or write policy; such a token may not
# read the environment stamp, which gives a warning, not an error).
data "vaultboot_app_secret_path" "payments" {
  app            = "payments"
  with_key_names = true

  lifecycle {
    postcondition {
      condition     = self.exists && alltrue([for k in ["DB_PASSWORD", "STRIPE_API_KEY"] : contains(self.key_names, k)])
      error_message = "${self.data_path} must hold DB_PASSWORD and STRIPE_API_KEY."
    }
  }
}

output "payments_annotations" {
  value = data.vaultboot_app_secret_path.payments.agent_annotations
}
