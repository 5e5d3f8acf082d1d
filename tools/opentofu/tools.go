//go:build tools

// Package tools pins OpenTofu's command so that `go build` in this folder
// builds it from the Go module proxy; go.mod carries the one replacement that
// OpenTofu's own go.mod makes and that `go install` therefore refuses.
package tools

import _ "github.com/opentofu/opentofu/cmd/tofu"
