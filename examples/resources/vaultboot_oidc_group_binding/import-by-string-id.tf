# Import by the binding name N.
import {
  to = vaultboot_oidc_group_binding.payments_devs
  id = "payments-devs"
}
