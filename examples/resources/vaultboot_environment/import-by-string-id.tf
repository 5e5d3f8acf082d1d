import {
  to = vaultboot_environment.this
  id = "production"
}
