//go:build !linux

package mapwatch

import "time"

// threadCPU is not measured outside Linux; poll-cpu-% then reads 0.
func threadCPU() time.Duration { return 0 }
