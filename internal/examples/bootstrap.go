package examples

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
)

// deployRole is a vaultboot_ci_deploy_role of the bootstrap project as it
// evaluates for one environment.
type deployRole struct {
	Name           string              // N; the role is E-deploy-N
	RoleName       string              // E-deploy-N
	Mount          string              // the JWT auth mount
	BoundAudiences []string            // accepted aud values
	BoundClaims    map[string][]string // claims beyond ref_type
	AllowBranches  bool                // accepts branch pipelines
}

// bootstrapFile is the part of the bootstrap project's HCL read here.
type bootstrapFile struct {
	Variables []struct {
		Name   string   `hcl:"name,label"`
		Remain hcl.Body `hcl:",remain"`
	} `hcl:"variable,block"`
	Locals []struct {
		Remain hcl.Body `hcl:",remain"`
	} `hcl:"locals,block"`
	Resources []struct {
		Type   string   `hcl:"type,label"`
		Name   string   `hcl:"name,label"`
		Remain hcl.Body `hcl:",remain"`
	} `hcl:"resource,block"`
	Remain hcl.Body `hcl:",remain"`
}

// bootstrapDeployRoles evaluates the deploy roles that the bootstrap project
// in dir creates for environment env, with the variables of env.tfvars over
// the variables' defaults. It evaluates plain expressions over var and local
// (no functions), which is all the bootstrap project uses for its roles.
func bootstrapDeployRoles(dir, env string) ([]deployRole, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil {
		return nil, err
	}
	parser := hclparse.NewParser()
	vars := map[string]cty.Value{}
	var locals []hcl.Attributes
	type resource struct {
		name string
		body hcl.Body
	}
	var roles []resource
	for _, f := range files {
		file, diags := parser.ParseHCLFile(f)
		if diags.HasErrors() {
			return nil, diags
		}
		var content bootstrapFile
		if diags := gohcl.DecodeBody(file.Body, nil, &content); diags.HasErrors() {
			return nil, diags
		}
		for _, v := range content.Variables {
			// A variable's validation blocks are an error to JustAttributes,
			// which still returns the attributes.
			attrs, _ := v.Remain.JustAttributes()
			vars[v.Name] = cty.NullVal(cty.DynamicPseudoType)
			if d, ok := attrs["default"]; ok {
				if vars[v.Name], diags = d.Expr.Value(nil); diags.HasErrors() {
					return nil, diags
				}
			}
		}
		for _, l := range content.Locals {
			attrs, diags := l.Remain.JustAttributes()
			if diags.HasErrors() {
				return nil, diags
			}
			locals = append(locals, attrs)
		}
		for _, r := range content.Resources {
			if r.Type == "vaultboot_ci_deploy_role" {
				roles = append(roles, resource{r.Name, r.Remain})
			}
		}
	}
	if err := readTFVars(parser, filepath.Join(dir, env+".tfvars"), vars); err != nil {
		return nil, err
	}
	ctx, err := evalLocals(vars, locals)
	if err != nil {
		return nil, err
	}
	var out []deployRole
	for _, r := range roles {
		role, ok, err := evalDeployRole(ctx, env, r.body)
		if err != nil {
			return nil, fmt.Errorf("vaultboot_ci_deploy_role.%s: %w", r.name, err)
		}
		if ok {
			out = append(out, role)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// readTFVars sets vars from a .tfvars file.
func readTFVars(parser *hclparse.Parser, path string, vars map[string]cty.Value) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	file, diags := parser.ParseHCLFile(path)
	if diags.HasErrors() {
		return diags
	}
	attrs, diags := file.Body.JustAttributes()
	if diags.HasErrors() {
		return diags
	}
	for name, a := range attrs {
		if vars[name], diags = a.Expr.Value(nil); diags.HasErrors() {
			return diags
		}
	}
	return nil
}

// evalLocals evaluates the locals in dependency order: each pass evaluates
// what it can until nothing is left or a pass makes no progress.
func evalLocals(vars map[string]cty.Value, blocks []hcl.Attributes) (*hcl.EvalContext, error) {
	pending := map[string]*hcl.Attribute{}
	for _, attrs := range blocks {
		for name, a := range attrs {
			pending[name] = a
		}
	}
	locals := map[string]cty.Value{}
	for len(pending) > 0 {
		ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vars), "local": cty.ObjectVal(locals)}}
		progress := false
		var last hcl.Diagnostics
		for name, a := range pending {
			v, diags := a.Expr.Value(ctx)
			if diags.HasErrors() {
				last = diags
				continue
			}
			locals[name] = v
			delete(pending, name)
			progress = true
		}
		if !progress {
			return nil, last
		}
	}
	return &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vars), "local": cty.ObjectVal(locals)}}, nil
}

// evalDeployRole evaluates one role; ok is false when its count is 0.
func evalDeployRole(ctx *hcl.EvalContext, env string, body hcl.Body) (deployRole, bool, error) {
	attrs, diags := body.JustAttributes()
	if diags.HasErrors() {
		return deployRole{}, false, diags
	}
	var role deployRole
	count := 1
	targets := []struct {
		name string
		dst  any
	}{
		{"count", &count},
		{"name", &role.Name},
		{"jwt_mount", &role.Mount},
		{"bound_audiences", &role.BoundAudiences},
		{"bound_claims", &role.BoundClaims},
		{"allow_branches", &role.AllowBranches},
	}
	for _, t := range targets {
		a, ok := attrs[t.name]
		if !ok {
			continue
		}
		if diags := gohcl.DecodeExpression(a.Expr, ctx, t.dst); diags.HasErrors() {
			return deployRole{}, false, diags
		}
	}
	if role.Mount == "" {
		role.Mount = "jwt"
	}
	role.RoleName = env + "-deploy-" + role.Name
	return role, count > 0, nil
}
