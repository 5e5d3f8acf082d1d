//go:build !linux

package testharness

import "syscall"

// procAttr has no parent-death signal outside Linux; servers are still
// stopped by Main and t.Cleanup on every normal path.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{}
}
