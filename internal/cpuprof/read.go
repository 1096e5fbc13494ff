// Package cpuprof tells where the CPU time of map code goes: it reads a
// CPU profile, decides for every sample which map operation it is in
// (mapop) and which site of the user's code called it, and sums the time
// per site and operation.
//
// CPU profiles keep every runtime frame, so, unlike heap profiles, they
// show the cost of a map exactly: the assignment that calls
// runtime.mapassign_fast64, the split of a full table below it, the
// allocation of the new tables below that, and the GC work the allocator
// charges to it. A site is the first frame above the map call that is in
// the main module (or matches -focus), as in mapscope heap, so that the
// same line is named by both.
//
// The attribution (Attributor) works on any stack, so traceprof uses it
// for the CPU samples and mark assists of execution traces.
package cpuprof

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/google/pprof/profile"
)

// IsTrace reports whether data starts like a Go execution trace
// ("go 1.22 trace\x00\x00\x00").
func IsTrace(data []byte) bool {
	return bytes.HasPrefix(data, []byte("go 1.")) && bytes.Contains(data[:min(len(data), 16)], []byte(" trace"))
}

// A Value says how to read nanoseconds of CPU time out of a sample.
type Value struct {
	index int   // into Sample.Value
	scale int64 // nanoseconds per unit
}

// Nanos returns the CPU time of s in nanoseconds.
func (v Value) Nanos(s *profile.Sample) int64 {
	if v.index >= len(s.Value) {
		return 0
	}
	return s.Value[v.index] * v.scale
}

// CPUValue finds the CPU time in p's samples: the cpu/nanoseconds type
// runtime/pprof writes, or a samples count with a CPU period. Other
// profiles are refused, naming what they are.
func CPUValue(p *profile.Profile) (Value, error) {
	var names []string
	for i, st := range p.SampleType {
		names = append(names, st.Type+"/"+st.Unit)
		if st.Type == "cpu" && st.Unit == "nanoseconds" {
			return Value{index: i, scale: 1}, nil
		}
	}
	cpuPeriod := p.PeriodType != nil && p.PeriodType.Type == "cpu" && p.PeriodType.Unit == "nanoseconds" && p.Period > 0
	for i, st := range p.SampleType {
		if cpuPeriod && st.Type == "samples" {
			return Value{index: i, scale: p.Period}, nil
		}
	}
	kind := "not a CPU profile"
	have := strings.Join(names, ", ")
	switch {
	case strings.Contains(have, "alloc_space") || strings.Contains(have, "inuse_space"):
		kind = "a heap profile, not a CPU profile"
	case strings.Contains(have, "contentions") || strings.Contains(have, "delay"):
		kind = "a mutex or block profile, not a CPU profile"
	case p.PeriodType != nil && p.PeriodType.Type == "goroutine":
		kind = "a goroutine profile, not a CPU profile"
	}
	if have == "" {
		have = "none"
	}
	return Value{}, fmt.Errorf("%s (sample types %s); a CPU profile is needed, such as /debug/pprof/profile serves", kind, have)
}
