package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// modelSource is a plan or a state: what a CRUD method decodes its model
// from.
type modelSource interface {
	Get(ctx context.Context, target any) diag.Diagnostics
}

// namedModel is a resource model that names its Vault objects: it binds its
// name attribute to the environment's conventions and says which attribute
// a refused name is reported on.
type namedModel[M, N any] interface {
	*M
	names(env naming.Env) (N, path.Path, error)
}

// begin is how every Create, Read, Update and Delete of a resource with
// named objects starts: the model decoded, the environment guard passed
// (no request goes to a Vault of another environment), and the objects'
// names bound. ok is false when a diagnostic says why not.
func begin[M, N any, P namedModel[M, N]](ctx context.Context, c *vaultclient.Client, from modelSource, diags *diag.Diagnostics) (m M, names N, ok bool) {
	diags.Append(from.Get(ctx, &m)...)
	if diags.HasError() || !checkEnvironment(ctx, c, diags) {
		return m, names, false
	}
	names, attr, err := P(&m).names(c.Env())
	if err != nil {
		diags.AddAttributeError(attr, "Invalid Name", capitalize(err.Error())+".")
		return m, names, false
	}
	return m, names, true
}
