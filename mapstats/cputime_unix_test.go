//go:build unix

package mapstats_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time this process has used. The benchmarks report
// it per op next to ns/op because on a shared, oversubscribed machine
// wall-clock ns/op counts the time the benchmark waited for a core.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
