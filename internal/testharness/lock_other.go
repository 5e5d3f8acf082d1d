//go:build !unix

package testharness

import (
	"os"
	"path/filepath"
)

// withToolLock runs fn without a lock where flock is unavailable; parallel
// packages may then build a missing tool twice, which is slow but correct.
func withToolLock(root string, fn func() error) error {
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		return err
	}
	return fn()
}
