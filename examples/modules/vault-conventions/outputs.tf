output "apps" {
  description = "Per app: where its secret lives, its policies, its Kubernetes role, the pod annotations for the Vault Agent Injector, its owner group and the CA sync policy whose Secret its injector trusts (null when none covers its namespaces)."
  value = {
    for a, app in vaultboot_app_secret_path.app : a => {
      path              = app.path
      data_path         = app.data_path
      read_policy       = app.read_policy
      write_policy      = app.write_policy
      kubernetes_role   = app.kubernetes == null ? null : app.kubernetes_role
      agent_annotations = app.kubernetes == null ? {} : app.agent_annotations
      owner_group       = local.apps[a].owner_group
      ca_sync_policy    = one(local.app_ca_sync[a])
    }
  }
}

output "groups" {
  description = "Per IdP group: its identity group in Vault, the group id it matches, the policies it grants and its login role (null without one)."
  value = {
    for g, binding in vaultboot_oidc_group_binding.group : g => {
      identity_group_name = binding.identity_group_name
      group_id            = binding.group_id
      policies            = binding.policies
      writes              = local.group_writes[g]
      login_role          = try(binding.login_role.role_name, null)
    }
  }
}

output "ca_sync_policies" {
  description = "Per CA sync policy: the document its syncer reads, the syncer's role and policy, and the published CA's fingerprint."
  value = {
    for p, policy in vaultboot_namespace_ca_sync_policy.ca : p => {
      document_path         = policy.document_path
      kubernetes_role       = policy.kubernetes_role
      policy_name           = policy.policy_name
      ca_fingerprint_sha256 = policy.ca_fingerprint_sha256
      target                = var.ca_sync_policies[p].target
    }
  }
}
