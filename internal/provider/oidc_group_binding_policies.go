package provider

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/vaultboot/terraform-provider-vaultboot/internal/naming"
	"github.com/vaultboot/terraform-provider-vaultboot/internal/vaultclient"
)

// warnBindingPolicies warns at plan time about granted policies that do not
// exist in Vault (a typo grants nothing, silently) or that vaultboot wrote
// for another environment. This environment's app policies are not checked:
// the same apply may be what creates them. A policy the token may not read
// is not checked either.
func warnBindingPolicies(ctx context.Context, c *vaultclient.Client, names []string, diags *diag.Diagnostics) {
	var (
		mu             sync.Mutex
		missing, other []string
		wg             sync.WaitGroup
	)
	env := c.Env()
	for _, name := range names {
		if env.IsAppPolicyName(name) || naming.ValidatePolicyName(name) != nil {
			continue
		}
		wg.Go(func() {
			doc, found, err := c.ReadPolicy(ctx, name)
			mu.Lock()
			defer mu.Unlock()
			switch e := naming.PolicyEnvironment(doc); {
			case err != nil && vaultclient.StatusOf(err) != http.StatusForbidden:
				diags.AddAttributeWarning(path.Root("policies"), "Unable to Check a Granted Policy", capitalize(err.Error())+".")
			case err == nil && !found:
				missing = append(missing, naming.Describe(name))
			case found && e != "" && e != env.Name():
				other = append(other, fmt.Sprintf("%s (environment %+q)", naming.Describe(name), e))
			}
		})
	}
	wg.Wait()
	slices.Sort(missing)
	slices.Sort(other)
	if len(missing) > 0 {
		diags.AddAttributeWarning(path.Root("policies"), "Granted Policy Does Not Exist",
			fmt.Sprintf("Vault at %s has no policy %s, so the binding grants nothing through it: check the name, or create the policy.", c.Address(), strings.Join(missing, ", ")))
	}
	if len(other) > 0 {
		diags.AddAttributeWarning(path.Root("policies"), "Granted Policy Belongs to Another Environment",
			fmt.Sprintf("By their vaultboot header these policies belong to another environment than %+q: %s. Granting them here crosses environments; grant this environment's policies instead.", env.Name(), strings.Join(other, ", ")))
	}
}
