package testharness

import "syscall"

// procAttr makes the kernel kill the Vault server when the test binary dies,
// so a panicking test or a -timeout abort (which skip deferred stops) leaves
// no orphaned server behind.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
