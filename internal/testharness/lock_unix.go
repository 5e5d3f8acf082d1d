//go:build unix

package testharness

import (
	"os"
	"path/filepath"
	"syscall"
)

// withToolLock runs fn while holding an exclusive lock on <repo>/bin/.lock.
// `go test ./...` runs packages in parallel and each one's Main may find a tool
// missing; the lock makes them share one build.
func withToolLock(root string, fn func() error) error {
	dir := filepath.Join(root, "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // closing releases the lock
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	return fn()
}
