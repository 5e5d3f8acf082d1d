# Import by the binding name N (the identity group is E-N, e.g. production-payments-devs).
terraform import vaultboot_oidc_group_binding.payments_devs payments-devs
