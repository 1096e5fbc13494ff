// Package traceprof reads a Go execution trace and tells what map code
// cost its program in time: the GC cycles, stop-the-world pauses and mark
// assists, which map sites the assists began in (a map that grows
// allocates its new tables, and the allocator charges mark assists to the
// goroutine that allocates), the CPU samples in map code per site and
// operation when CPU profiling ran during the trace, and the heap over
// time.
//
// It reads the traces of Go 1.22 to 1.27 (trace formats 1.22, 1.23, 1.25
// and 1.26; Go 1.24 writes 1.23's, Go 1.27 writes 1.26's) through
// golang.org/x/exp/trace, and attributes stacks with cpuprof, so a site
// is the same line mapscope cpu and mapscope heap name.
package traceprof

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/google/pprof/profile"
)

// Oldest and Newest are the trace formats the reader knows. Go 1.27
// writes the Go 1.26 format.
const (
	Oldest = 22
	Newest = 26
)

var header = regexp.MustCompile(`^go 1\.(\d+) trace\x00\x00\x00`)

// Version returns the minor Go version of a trace's format from its
// header ("go 1.23 trace"), or an error that says what the data is
// instead, or which version it is when the reader cannot read it.
func Version(data []byte) (int, error) {
	if len(data) == 0 {
		return 0, errors.New("empty file")
	}
	m := header.FindSubmatch(data[:min(len(data), 32)])
	if m == nil {
		if isProfile(data) {
			return 0, errors.New("a pprof profile, not an execution trace: use mapscope cpu for a CPU profile, mapscope heap for a heap profile")
		}
		if bytes.HasPrefix(data, []byte("go 1.")) {
			return 0, errors.New("not a Go execution trace (its header is damaged)")
		}
		return 0, errors.New("not a Go execution trace (record one with runtime/trace, go test -trace, or /debug/pprof/trace)")
	}
	v, err := strconv.Atoi(string(m[1]))
	if err != nil {
		return 0, fmt.Errorf("not a Go execution trace (version %q)", m[1])
	}
	switch {
	case v < Oldest:
		return v, fmt.Errorf("a trace in the format of Go 1.%d, which mapscope does not read: it reads the traces of Go 1.%d to 1.27; record the trace with a newer Go", v, Oldest)
	case v > Newest:
		return v, fmt.Errorf("a trace in the format of Go 1.%d, newer than this mapscope reads (the formats of Go 1.%d to 1.%d, which Go 1.%d to 1.27 write): a newer mapscope may read it", v, Oldest, Newest, Oldest)
	}
	return v, nil
}

// GoVersions names the Go releases that write trace format v.
func GoVersions(v int) string {
	switch v {
	case 23:
		return "Go 1.23-1.24"
	case 26:
		return "Go 1.26-1.27"
	}
	return fmt.Sprintf("Go 1.%d", v)
}

// isProfile reports data that pprof's parser reads as a profile (gzip-
// compressed or not): only asked about data that is not a trace, so its
// cost does not matter.
func isProfile(data []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	p, err := profile.ParseData(data)
	return err == nil && len(p.SampleType) > 0
}
