package multiprocess

import "syscall"

// childProcAttr makes the kernel kill a child when the test process dies,
// so that even a test binary killed by -timeout leaves no revue running.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
