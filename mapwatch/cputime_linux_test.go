package mapwatch

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPU is the CPU time used by the calling OS thread, from
// clock_gettime(CLOCK_THREAD_CPUTIME_ID), which counts nanoseconds
// (getrusage's thread times are only as precise as the scheduler tick).
func threadCPU() time.Duration {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
