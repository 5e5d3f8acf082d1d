data "vaultboot_environment" "current" {}

# Fails the plan of a project pointed at a Vault nobody has stamped yet.
check "vault_is_stamped" {
  assert {
    condition     = data.vaultboot_environment.current.stamped
    error_message = "The Vault at ${data.vaultboot_environment.current.address} has no environment stamp: apply the environment project first."
  }
}
