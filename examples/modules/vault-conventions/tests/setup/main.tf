# Stamps the test Vault, as an environment's bootstrap project does once per
# Vault, so the module's environment check finds its stamp.
terraform {
  required_providers {
    vaultboot = {
      source = "vaultboot/vaultboot"
    }
  }
}

resource "vaultboot_environment" "this" {
  description = "terraform test of the vault-conventions module"
}
