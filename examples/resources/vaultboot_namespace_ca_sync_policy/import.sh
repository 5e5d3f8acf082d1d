# The import ID is the CA sync policy name N.
terraform import vaultboot_namespace_ca_sync_policy.internal_ca internal-ca
