# Stamp this Vault as the production environment's. From now on a provider
# configured with environment = "integration" refuses to change it, and this
# resource refuses to stamp a Vault another environment already stamped.
resource "vaultboot_environment" "this" {
  description = "production cluster, eu-west-1"
}
