# terraform test for the shared module, run by `make testmodule` (part of
# `make test`) against a throwaway Vault dev server with the auth mounts and
# PKI CA of the Getting started guide. Address and token come from VAULT_ADDR
# and VAULT_TOKEN.

provider "vaultboot" {
  environment = "modtest"
}

variables {
  environment = "modtest"

  apps = {
    payments = {
      description      = "Payment service"
      namespaces       = ["payments"]
      service_accounts = ["payments", "payments-worker"]
      token_ttl        = "1h"
      owner_group      = "payments-devs"
      kv               = { max_versions = 20, custom_metadata = { team = "payments" } }
    }
    billing = {
      namespaces       = ["team-billing"]
      service_accounts = ["billing-api"]
      owner_group      = "billing-devs"
    }
    reporting = {
      owner_group = "billing-devs"
      kv          = { cas_required = true }
    }
  }

  groups = {
    payments-devs = { group_id = "8f1c2d3e-payments" }
    billing-devs  = { group_id = "/platform/billing", writes = ["payments"] }
  }

  ca_sync_policies = {
    vault-ca = {
      ca_source  = { pki_mount = "pki" }
      namespaces = { match_prefixes = ["team-"] }
      target     = { kind = "Secret", name = "vault-ca", key = "ca.crt" }
      syncer     = { namespace = "vault-system", service_account = "vault-ca-syncer" }
    }
  }
}

run "stamp_vault" {
  module {
    source = "./tests/setup"
  }
}

run "apply" {
  assert {
    condition     = output.apps["payments"].data_path == "secret/data/modtest/payments"
    error_message = "payments' secret is not at secret/data/modtest/payments: ${output.apps["payments"].data_path}"
  }
  assert {
    condition = (
      output.apps["payments"].read_policy == "modtest-payments-read" &&
      output.apps["payments"].write_policy == "modtest-payments-write" &&
      output.apps["payments"].kubernetes_role == "modtest-payments"
    )
    error_message = "payments' policies or role do not follow the naming contract."
  }
  assert {
    condition     = output.apps["payments"].agent_annotations["vault.hashicorp.com/role"] == "modtest-payments"
    error_message = "payments' injector annotations do not log in with its role."
  }
  assert {
    condition     = length(output.apps["reporting"].agent_annotations) == 0 && output.apps["reporting"].kubernetes_role == null
    error_message = "reporting has no pods: it must get neither a role nor annotations."
  }
  assert {
    condition     = output.groups["payments-devs"].policies == toset(["modtest-payments-write"])
    error_message = "payments-devs must write exactly the app it owns."
  }
  assert {
    condition     = output.groups["billing-devs"].policies == toset(["modtest-billing-write", "modtest-payments-write", "modtest-reporting-write"])
    error_message = "billing-devs must write the two apps it owns and payments, which it lists in writes."
  }
  assert {
    condition     = output.groups["billing-devs"].identity_group_name == "modtest-billing-devs" && output.groups["billing-devs"].group_id == "/platform/billing"
    error_message = "billing-devs' identity group or alias does not follow the naming contract."
  }
  assert {
    condition     = output.apps["billing"].ca_sync_policy == "vault-ca" && output.apps["payments"].ca_sync_policy == null
    error_message = "billing (namespace team-billing) is covered by vault-ca's prefix team-, payments is not."
  }
  assert {
    condition = (
      output.apps["billing"].agent_annotations["vault.hashicorp.com/tls-secret"] == jsondecode(vaultboot_namespace_ca_sync_policy.ca["vault-ca"].document).target.name &&
      output.apps["billing"].agent_annotations["vault.hashicorp.com/ca-cert"] == "/vault/tls/${jsondecode(vaultboot_namespace_ca_sync_policy.ca["vault-ca"].document).target.key}"
    )
    error_message = "billing's injector must mount exactly the Secret and key the vault-ca document tells the syncer to publish."
  }
  assert {
    condition     = !contains(keys(output.apps["payments"].agent_annotations), "vault.hashicorp.com/tls-secret")
    error_message = "payments is covered by no CA sync policy: it must get no TLS annotations."
  }
  assert {
    condition     = output.ca_sync_policies["vault-ca"].document_path == "secret/data/_vaultboot/modtest/ca-sync/vault-ca" && output.ca_sync_policies["vault-ca"].kubernetes_role == "modtest-ca-sync-vault-ca"
    error_message = "vault-ca's document or syncer role does not follow the naming contract."
  }
  assert {
    condition     = can(regex("^[0-9a-f]{64}$", output.ca_sync_policies["vault-ca"].ca_fingerprint_sha256))
    error_message = "vault-ca did not publish the PKI mount's CA fingerprint."
  }
}

run "bad_app_name_is_rejected" {
  command = plan

  variables {
    apps = {
      Payments_API = { owner_group = "payments-devs" }
    }
  }

  expect_failures = [var.apps]
}

run "reserved_app_name_is_rejected" {
  command = plan

  variables {
    apps = {
      deploy-tool = { owner_group = "payments-devs" }
    }
  }

  expect_failures = [var.apps]
}

# A misspelt input was dropped by the object type: cas_requried = true
# planned cas_required = false, and the rename guide's purge_on_destroy
# (not a module input) vanished. Both are refused now.
run "misspelt_kv_input_is_rejected" {
  command = plan

  variables {
    apps = {
      payments = { owner_group = "payments-devs", kv = { cas_requried = true } }
    }
  }

  expect_failures = [var.apps]
}

run "unknown_app_input_is_rejected" {
  command = plan

  variables {
    apps = {
      payments = { owner_group = "payments-devs", purge_on_destroy = true }
    }
  }

  expect_failures = [var.apps]
}

run "app_without_owner_group_is_rejected" {
  command = plan

  variables {
    apps = {
      payments = { namespaces = ["payments"], service_accounts = ["payments"] }
    }
  }

  expect_failures = [var.apps]
}

# App "deploy" would own the deploy roles "read" and "write"'s policies.
run "app_named_deploy_is_rejected" {
  command = plan

  variables {
    apps = {
      deploy = { owner_group = "payments-devs" }
    }
  }

  expect_failures = [var.apps]
}

run "namespaces_without_service_accounts_are_rejected" {
  command = plan

  variables {
    apps = {
      payments = { namespaces = ["payments"], owner_group = "payments-devs" }
    }
  }

  expect_failures = [var.apps]
}

run "unknown_owner_group_is_rejected" {
  command = plan

  variables {
    apps = {
      payments = { owner_group = "nobody" }
    }
  }

  expect_failures = [vaultboot_app_secret_path.app]
}

run "group_writing_an_unknown_app_is_rejected" {
  command = plan

  variables {
    groups = {
      payments-devs = { group_id = "8f1c2d3e-payments" }
      billing-devs  = { group_id = "/platform/billing", writes = ["ledger"] }
    }
  }

  expect_failures = [vaultboot_oidc_group_binding.group]
}

run "other_environment_is_refused" {
  command = plan

  variables {
    environment = "production"
  }

  expect_failures = [data.vaultboot_environment.current]
}
