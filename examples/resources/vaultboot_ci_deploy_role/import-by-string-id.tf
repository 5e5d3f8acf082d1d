# Import by the deploy role name N, or by "<jwt_mount>:N".
import {
  to = vaultboot_ci_deploy_role.production
  id = "vault-config"
}
