//go:build tools

// Package tools pins tfplugindocs, the documentation generator, in its own
// module so the provider's go.mod stays small.
package tools

import _ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
