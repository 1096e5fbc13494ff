package traceprof

import (
	"bytes"
	"regexp"
	"runtime/trace"
	"testing"

	"github.com/mapscope/mapscope/internal/cpuprof"
)

// smallTrace is a real trace of a few map fills, small enough for the
// fuzzer to mutate quickly.
func smallTrace(f *testing.F) []byte {
	var buf bytes.Buffer
	if err := trace.Start(&buf); err != nil {
		f.Skipf("cannot trace here: %v", err)
	}
	for range 3 {
		fillForTrace()
	}
	trace.Stop()
	return buf.Bytes()
}

// FuzzTrace feeds Read arbitrary bytes, seeded with real traces whole, cut
// short and with other versions in their header: it may refuse them, in
// one line, but never panic or hang, and what it accepts must add up.
func FuzzTrace(f *testing.F) {
	small := smallTrace(f)
	f.Add(small)
	f.Add(small[:len(small)/2])
	f.Add(append([]byte("go 1.23 trace\x00\x00\x00"), small[16:]...))
	f.Add(append([]byte("go 1.28 trace\x00\x00\x00"), small[16:]...))
	f.Add(gzipped(small))
	f.Add([]byte("go 1.26 trace\x00\x00\x00"))
	focus := regexp.MustCompile(`fill`)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Read(data, Options{Options: cpuprof.Options{Focus: focus}})
		if err != nil {
			if bytes.ContainsRune([]byte(err.Error()), '\n') {
				t.Fatalf("the error is not one line: %q", err)
			}
			return
		}
		var cpu, assist cpuprof.Times
		for _, s := range res.Sites {
			cpu.Add(&s.CPU)
			assist.Add(&s.Assist)
		}
		if cpu != res.Map || assist != res.AssistMap {
			t.Fatalf("sites add up to %v and %v, the totals are %v and %v", cpu, assist, res.Map, res.AssistMap)
		}
		for _, s := range res.GCs {
			if s.End < s.Start {
				t.Fatalf("a GC ends before it starts: %+v", s)
			}
		}
	})
}
