# The import ID is the provider's environment.
terraform import vaultboot_environment.this production
