# The least-privilege policy for this environment project's own token: the
# conventions it manages, the CA sources its CA sync policies read and the
# auth mounts its group bindings use. Only the binding mounts' accessors
# are read from Vault (group aliases are allowed on those alone).
data "vaultboot_provider_policy" "this" {
  pki_mounts          = ["pki"]
  kv_ca_paths         = ["platform/vault-ca"]
  binding_auth_mounts = ["jwt-github"]
}

# Review it, then write it with an admin token in the bootstrap project
# (the provider's own token may not write it: it lies outside "E-*"), e.g.
#   terraform output -raw provider_policy | vault policy write vaultboot_provider_production -
output "provider_policy_name" {
  value = data.vaultboot_provider_policy.this.name
}

output "provider_policy" {
  value = data.vaultboot_provider_policy.this.policy
}
