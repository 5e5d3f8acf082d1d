module github.com/vaultboot/terraform-provider-vaultboot/tools/tfplugindocs

go 1.24

require github.com/hashicorp/terraform-plugin-docs v0.25.0
