package naming

// DeployRole is a validated CI deploy role name in an environment.
type DeployRole struct {
	env  Env
	name string
}

// DeployRole validates a deploy role name and binds it to the environment.
func (e Env) DeployRole(name string) (DeployRole, error) {
	if err := ValidateName(name); err != nil {
		return DeployRole{}, err
	}
	return DeployRole{env: e, name: name}, nil
}

// RoleName is the JWT auth role "E-deploy-N".
func (d DeployRole) RoleName() string { return d.env.name + "-deploy-" + d.name }

// PolicyName is the role's only token policy "E-deploy-N".
func (d DeployRole) PolicyName() string { return d.RoleName() }

// RolePath is "auth/<jwt mount>/role/E-deploy-N".
func (d DeployRole) RolePath(jwtMount string) string { return AuthRolePath(jwtMount, d.RoleName()) }
