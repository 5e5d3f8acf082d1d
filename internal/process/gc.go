package process

import "runtime/debug"

// The provider's garbage collector settings when the environment sets none.
//
// With every request released once answered (provider.NewServer), the live
// heap of a plan is a few MiB whatever the number of apps, while the
// framework's per-request conversions allocate quickly. Go's default
// (GOGC=100: collect when the heap has doubled) then collects every few MiB
// allocated. A larger GOGC collects less often but lets the heap grow with
// concurrency; the soft limit caps that, so the heap grows to the limit and
// no further while the live heap stays small. The measurements that chose
// these values are in the README's Performance section.
const (
	gcPercent   = 400
	memoryLimit = 32 << 20 // bytes of Go-managed memory
)

// TuneGC applies gcPercent unless GOGC is set and memoryLimit unless
// GOMEMLIMIT is set: the provider inherits Terraform's environment, so a
// user's own settings reach it and win.
func TuneGC(lookupEnv func(string) (string, bool)) {
	if _, set := lookupEnv("GOGC"); !set {
		debug.SetGCPercent(gcPercent)
	}
	if _, set := lookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
}
