# Import by app name.
import {
  to = vaultboot_app_secret_path.payments
  id = "payments"
}
