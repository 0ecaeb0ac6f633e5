//go:build unix && !linux

package multiprocess

import "syscall"

// childProcAttr: only Linux can tie a child's life to its parent's; the
// tests' cleanups kill the children everywhere else.
func childProcAttr() *syscall.SysProcAttr { return nil }
