package provider

import (
	"context"
	"crypto/rand"
	"encoding/json"

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

// stateIDKey is the private state key holding the id of the Terraform
// state a resource lives in, which its marks carry too (naming.StateKey):
// a copy of the project (same owner, another state) is then told apart.
const stateIDKey = "state-id"

// stateID returns the id recorded in p, "" when none is.
func stateID(ctx context.Context, p privateState, diags *diag.Diagnostics) string {
	v, d := p.GetKey(ctx, stateIDKey)
	diags.Append(d...)
	var id string
	if len(v) > 0 && json.Unmarshal(v, &id) != nil {
		diags.AddError("Invalid Private State", "The resource's recorded state id is not a JSON string; remove the resource from state and import it again.")
	}
	return id
}

// setStateID records id in p.
func setStateID(ctx context.Context, p privateState, id string, diags *diag.Diagnostics) {
	v, _ := json.Marshal(id)
	diags.Append(p.SetKey(ctx, stateIDKey, v)...)
}

// newStateID is a fresh random state id, made at create.
func newStateID() string {
	return rand.Text()
}
