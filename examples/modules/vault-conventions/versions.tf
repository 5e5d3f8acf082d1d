# The shared conventions module: an environment project (integration,
# production) calls it with its own values and configures the provider. There
# is deliberately no provider block here: the caller's provider decides which
# Vault, which environment and which credentials.
terraform {
  required_version = ">= 1.8"

  required_providers {
    vaultboot = {
      source = "vaultboot/vaultboot"
    }
  }
}
