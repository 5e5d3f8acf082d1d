# Import by the deploy role name N (the role and policy are E-deploy-N), or
# by <jwt_mount>:N for a role on another JWT mount.
terraform import vaultboot_ci_deploy_role.production vault-config
