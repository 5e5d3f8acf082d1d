# The Vault's stamp must say var.environment: a project that passes
# "production" to this module while its provider (and the Vault) say
# "integration" fails at plan, before any change.
data "vaultboot_environment" "current" {
  lifecycle {
    postcondition {
      condition     = self.environment == var.environment
      error_message = "The Vault at ${self.address} is stamped ${coalesce(self.environment, "(no stamp)")}, but this module was given environment = \"${var.environment}\": set the provider's environment and the module's to the same value, and apply the bootstrap project to stamp a new Vault first."
    }
  }
}

locals {
  # The apps with every input's default (var.apps is "any", so that unknown
  # keys are refused rather than dropped).
  apps = {
    for a, app in var.apps : a => {
      description      = try(app.description, null)
      namespaces       = toset(try(app.namespaces, []))
      service_accounts = toset(try(app.service_accounts, []))
      token_ttl        = try(app.token_ttl, null)
      template_format  = try(app.template_format, null)
      owner_group      = try(tostring(app.owner_group), null)
      kv = {
        max_versions         = try(app.kv.max_versions, 10)
        cas_required         = try(app.kv.cas_required, false)
        delete_version_after = try(app.kv.delete_version_after, "0s")
        custom_metadata      = tomap(try(app.kv.custom_metadata, {}))
      }
    }
  }

  # Which apps each group writes: the apps it owns plus those it lists.
  group_writes = {
    for g, group in var.groups : g => setunion(group.writes, [for a, app in local.apps : a if app.owner_group == g])
  }

  # Per app, the CA sync policies with a Secret target whose name selectors
  # cover every one of its namespaces. Label selectors cannot be evaluated
  # here (labels live in the cluster), so they never count as coverage.
  app_ca_sync = {
    for a, app in local.apps : a => [
      for p, policy in var.ca_sync_policies : p
      if policy.target.kind == "Secret" && length(app.namespaces) > 0 && alltrue([
        for ns in app.namespaces :
        !contains(policy.namespaces.exclude_names, ns) && (
          contains(policy.namespaces.match_names, ns) ||
          anytrue([for prefix in policy.namespaces.match_prefixes : startswith(ns, prefix)])
        )
      ])
    ]
  }
}

resource "vaultboot_app_secret_path" "app" {
  for_each = local.apps

  app                  = each.key
  description          = each.value.description
  max_versions         = each.value.kv.max_versions
  cas_required         = each.value.kv.cas_required
  delete_version_after = each.value.kv.delete_version_after
  custom_metadata      = merge(each.value.kv.custom_metadata, { owner-group = each.value.owner_group })

  # The CA sync Secret covering the app's namespaces: the injected agent
  # then trusts Vault's CA (tls-secret and ca-cert annotations).
  injector_tls    = length(local.app_ca_sync[each.key]) == 1 ? vaultboot_namespace_ca_sync_policy.ca[one(local.app_ca_sync[each.key])].injector_tls : null
  template_format = each.value.template_format

  dynamic "kubernetes" {
    for_each = length(each.value.namespaces) > 0 ? [each.value] : []
    content {
      namespaces       = kubernetes.value.namespaces
      service_accounts = kubernetes.value.service_accounts
      token_ttl        = kubernetes.value.token_ttl
    }
  }

  lifecycle {
    precondition {
      condition     = contains(keys(var.groups), each.value.owner_group)
      error_message = "App \"${each.key}\" has owner_group = \"${each.value.owner_group}\", which is not a key of var.groups (${join(", ", keys(var.groups))}): every app is owned by one of the module's groups."
    }
    precondition {
      condition     = length(local.app_ca_sync[each.key]) <= 1
      error_message = "App \"${each.key}\" is covered by more than one CA sync policy with a Secret target (${join(", ", local.app_ca_sync[each.key])}): the injector can trust only one; narrow their selectors."
    }
  }

  depends_on = [data.vaultboot_environment.current]
}

resource "vaultboot_oidc_group_binding" "group" {
  for_each = var.groups

  name     = each.key
  group_id = each.value.group_id
  policies = [for a in local.group_writes[each.key] : vaultboot_app_secret_path.app[a].write_policy if contains(keys(var.apps), a)]

  dynamic "login_role" {
    for_each = each.value.login_role == null ? [] : [each.value.login_role]
    content {
      allowed_redirect_uris = login_role.value.allowed_redirect_uris
      bound_claims          = login_role.value.bound_claims
      token_ttl             = login_role.value.token_ttl
      token_max_ttl         = login_role.value.token_max_ttl
    }
  }

  lifecycle {
    precondition {
      condition     = length(setsubtract(each.value.writes, keys(var.apps))) == 0
      error_message = "Group \"${each.key}\" writes ${join(", ", setsubtract(each.value.writes, keys(var.apps)))}, which is not a key of var.apps: list only the module's apps."
    }
    precondition {
      condition     = length(local.group_writes[each.key]) > 0
      error_message = "Group \"${each.key}\" neither owns an app (owner_group) nor writes one (writes): a binding without policies grants nothing; remove it or give it an app."
    }
  }
}

resource "vaultboot_namespace_ca_sync_policy" "ca" {
  for_each = var.ca_sync_policies

  name = each.key

  ca_source {
    pki_mount = each.value.ca_source.pki_mount
    kv_path   = each.value.ca_source.kv_path
    kv_key    = each.value.ca_source.kv_key
    pem       = each.value.ca_source.pem
  }

  # The resource takes an unused selector or map as null, never empty.
  namespaces {
    match_names    = length(each.value.namespaces.match_names) > 0 ? each.value.namespaces.match_names : null
    match_prefixes = length(each.value.namespaces.match_prefixes) > 0 ? each.value.namespaces.match_prefixes : null
    match_labels   = length(each.value.namespaces.match_labels) > 0 ? each.value.namespaces.match_labels : null
    exclude_names  = length(each.value.namespaces.exclude_names) > 0 ? each.value.namespaces.exclude_names : null
  }

  target {
    kind        = each.value.target.kind
    name        = each.value.target.name
    key         = each.value.target.key
    labels      = length(each.value.target.labels) > 0 ? each.value.target.labels : null
    annotations = length(each.value.target.annotations) > 0 ? each.value.target.annotations : null
  }

  syncer {
    namespace       = each.value.syncer.namespace
    service_account = each.value.syncer.service_account
  }

  depends_on = [data.vaultboot_environment.current]
}
