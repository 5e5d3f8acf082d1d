variable "environment" {
  type        = string
  description = "The environment this module manages, e.g. \"integration\" or \"production\". It must equal the provider's environment and the Vault's stamp; the plan fails otherwise."

  validation {
    condition     = can(regex("^[a-z]([a-z0-9-]{0,22}[a-z0-9])?$", var.environment))
    error_message = "The environment must be a lowercase DNS label of 1 to 24 characters: a-z, 0-9 and '-', starting with a letter and not ending with '-'."
  }
}

variable "apps" {
  description = <<-EOT
    The apps, keyed by app name (the app's secret lives at E/<key>). Per app:
    namespaces and service_accounts its pods run as (both empty: no Kubernetes
    role and no injector annotations), owner_group (required: a key of
    var.groups; that group gets the app's write policy), description,
    token_ttl, the injector's template_format (shell, dotenv or json; default
    shell), and kv { max_versions (10), cas_required (false),
    delete_version_after ("0s"), custom_metadata ({}) }. Any other key is
    refused: a misspelt input is never silently dropped.
  EOT
  # "any", not an object type: Terraform drops the attributes an object type
  # does not declare, so "cas_requried = true" would plan cas_required =
  # false without a word. The validations below check every key instead, and
  # local.apps applies the defaults.
  type    = any
  default = {}

  validation {
    condition     = alltrue([for app in values(var.apps) : can(keys(app)) && length(setsubtract(try(keys(app), []), ["description", "namespaces", "service_accounts", "token_ttl", "template_format", "owner_group", "kv"])) == 0])
    error_message = "Unknown app inputs: ${join(", ", flatten([for name, app in var.apps : [for k in setsubtract(try(keys(app), ["(not an object)"]), ["description", "namespaces", "service_accounts", "token_ttl", "template_format", "owner_group", "kv"]) : "${name}.${k}"]]))}. An app takes description, namespaces, service_accounts, token_ttl, template_format, owner_group and kv; check the spelling."
  }

  validation {
    condition     = alltrue([for app in values(var.apps) : length(setsubtract(try(keys(app.kv), []), ["max_versions", "cas_required", "delete_version_after", "custom_metadata"])) == 0])
    error_message = "Unknown kv inputs: ${join(", ", flatten([for name, app in var.apps : [for k in setsubtract(try(keys(app.kv), []), ["max_versions", "cas_required", "delete_version_after", "custom_metadata"]) : "${name}.kv.${k}"]]))}. kv takes max_versions, cas_required, delete_version_after and custom_metadata; check the spelling."
  }

  validation {
    condition     = alltrue([for app in values(var.apps) : can(tostring(app.owner_group))])
    error_message = "Every app needs owner_group, the key of var.groups whose group writes its secret. Missing in: ${join(", ", [for name, app in var.apps : name if !can(tostring(app.owner_group))])}."
  }

  validation {
    condition     = alltrue([for name in keys(var.apps) : can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", name))])
    error_message = "Every app key is an app name: a lowercase DNS label of 1 to 40 characters (a-z, 0-9 and '-', starting with a letter and not ending with '-'). Rename: ${join(", ", [for name in keys(var.apps) : name if !can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", name))])}."
  }

  validation {
    condition     = alltrue([for name in keys(var.apps) : !startswith(name, "deploy-") && !startswith(name, "ca-sync-") && !contains(["deploy", "ca-sync"], name)])
    error_message = "App names may not be \"deploy\" or \"ca-sync\" or start with \"deploy-\" or \"ca-sync-\": their policies would be those of the CI deploy roles and the CA sync policies."
  }

  validation {
    condition     = alltrue([for app in values(var.apps) : length(try(app.namespaces, [])) == 0 == (length(try(app.service_accounts, [])) == 0)])
    error_message = "An app's namespaces and service_accounts go together: set both (its pods log in through Kubernetes auth) or neither (no Kubernetes role)."
  }

  validation {
    condition     = alltrue([for app in values(var.apps) : !contains(try(app.namespaces, []), "*") && !contains(try(app.service_accounts, []), "*")])
    error_message = "The module never binds an app to every namespace or every service account (\"*\"): list them."
  }
}

variable "groups" {
  description = <<-EOT
    The IdP groups, keyed by binding name (the identity group is E-<key>).
    group_id is the id exactly as it appears in the token's groups claim; the
    group gets the write policy of every app it owns (owner_group) and of
    every app listed in writes. login_role adds an OIDC login role E-<key>
    only members of the group can log in through.
  EOT
  type = map(object({
    group_id = string
    writes   = optional(set(string), [])
    login_role = optional(object({
      allowed_redirect_uris = list(string)
      bound_claims          = optional(map(list(string)), {})
      token_ttl             = optional(string)
      token_max_ttl         = optional(string)
    }))
  }))
  default = {}

  validation {
    condition     = alltrue([for name in keys(var.groups) : can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", name)) && !startswith(name, "deploy-") && !startswith(name, "ca-sync-")])
    error_message = "Every group key is a binding name: a lowercase DNS label of 1 to 40 characters (a-z, 0-9 and '-', starting with a letter and not ending with '-'), not starting with \"deploy-\" or \"ca-sync-\"."
  }

  validation {
    condition     = alltrue([for g in values(var.groups) : trimspace(g.group_id) == g.group_id && g.group_id != ""])
    error_message = "A group_id is the IdP group id exactly as it appears in the groups claim: not empty, no leading or trailing whitespace."
  }
}

variable "ca_sync_policies" {
  description = <<-EOT
    CA sync policies, keyed by name (the syncer's policy and role are
    E-ca-sync-<key>): where the CA comes from, which namespaces get it, the
    object the syncer writes there and the syncer's identity. An app whose
    namespaces are all selected by match_names or match_prefixes of a
    policy with target kind "Secret" gets the injector's TLS annotations for
    that Secret.
  EOT
  type = map(object({
    ca_source = object({
      pki_mount = optional(string)
      kv_path   = optional(string)
      kv_key    = optional(string)
      pem       = optional(string)
    })
    namespaces = object({
      match_names    = optional(set(string), [])
      match_prefixes = optional(set(string), [])
      match_labels   = optional(map(string), {})
      exclude_names  = optional(set(string), [])
    })
    target = optional(object({
      kind        = optional(string, "Secret")
      name        = optional(string, "vault-ca")
      key         = optional(string, "ca.crt")
      labels      = optional(map(string), {})
      annotations = optional(map(string), {})
    }), {})
    syncer = object({
      namespace       = string
      service_account = string
    })
  }))
  default = {}

  validation {
    condition     = alltrue([for name in keys(var.ca_sync_policies) : can(regex("^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$", name))])
    error_message = "Every CA sync policy key is a name: a lowercase DNS label of 1 to 40 characters (a-z, 0-9 and '-', starting with a letter and not ending with '-')."
  }

  validation {
    condition     = alltrue([for p in values(var.ca_sync_policies) : contains(["Secret", "ConfigMap"], p.target.kind)])
    error_message = "A CA sync policy's target.kind is \"Secret\" or \"ConfigMap\"; only a Secret can give the injector its TLS annotations."
  }
}
