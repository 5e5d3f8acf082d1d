package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// importingKey is the private state key ImportState sets so that the Read
// right after it knows it reads back an import, not a refresh.
const importingKey = "importing"

// privateState is the part of the framework's private state API used here
// (ImportState's and Read's responses and Read's request share it).
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func markImporting(ctx context.Context, p privateState, diags *diag.Diagnostics) {
	diags.Append(p.SetKey(ctx, importingKey, []byte(`true`))...)
}

// isImporting reports whether this Read follows an import and clears the
// mark, so the refreshes after it are ordinary ones.
func isImporting(ctx context.Context, req, resp privateState, diags *diag.Diagnostics) bool {
	v, d := req.GetKey(ctx, importingKey)
	diags.Append(d...)
	if len(v) == 0 {
		return false
	}
	diags.Append(resp.SetKey(ctx, importingKey, nil)...)
	tflog.Debug(ctx, "this read follows an import")
	return true
}
