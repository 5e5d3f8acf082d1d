package naming

// Keys of the environment stamp's data at secret/data/_vaultboot/environment.
const (
	StampEnvironmentKey = "environment"
	StampDescriptionKey = "description"
)

// StampOwner is the owner marker of the environment stamp: the environment.
func (e Env) StampOwner() string { return e.name }

// StampMarkers mark the stamp's KV metadata as vaultboot's.
func (e Env) StampMarkers() map[string]string {
	return e.marks(e.StampOwner())
}

// Stamp is the stamp's data: {"environment": E} with the stamp's markers
// (as in its metadata, so create judges an existing stamp from the read
// the guard makes anyway) plus the description when there is one. The
// guard reads only "environment".
func (e Env) Stamp(description string) map[string]any {
	data := map[string]any{StampEnvironmentKey: e.name}
	for k, v := range e.StampMarkers() {
		data[k] = v
	}
	if description != "" {
		data[StampDescriptionKey] = description
	}
	return data
}
