package heapprof_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

// textProgram writes the same heap profile twice: as protobuf and as the
// ?debug=1 text /debug/pprof/heap serves.
const textProgram = `package main

import (
	"os"
	"runtime"
	"runtime/pprof"
)

var keep []map[int]int

//go:noinline
func fill(n int) map[int]int {
	m := map[int]int{}
	for i := 0; i < n; i++ {
		m[i] = i
	}
	return m
}

func main() {
	runtime.MemProfileRate = 1
	for i := 0; i < 50; i++ {
		keep = append(keep, fill(2000))
	}
	runtime.GC()
	pb, _ := os.Create(os.Args[1] + ".pb")
	pprof.Lookup("heap").WriteTo(pb, 0)
	pb.Close()
	txt, _ := os.Create(os.Args[1] + ".txt")
	pprof.Lookup("heap").WriteTo(txt, 1)
	txt.Close()
}
`

func TestTextProfileSymbolized(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	prog := heaptest.WriteProgram(t, "module example.com/text\n\ngo 1.21\n", "", textProgram)
	exe := prog.Build(t, "", "", nil)
	out := filepath.Join(t.TempDir(), "heap")
	if msg, err := exec.Command(exe, out).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, msg)
	}
	data, err := os.ReadFile(out + ".txt")
	if err != nil {
		t.Fatal(err)
	}
	p, err := heapprof.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if !heapprof.FromText(p) || len(p.Mapping) != 0 {
		t.Errorf("FromText = %v with %d mappings; want a text profile without mappings", heapprof.FromText(p), len(p.Mapping))
	}
	ref := heaptest.ReadProfile(t, out+".pb")
	if got, want := inuseAt(p, "main.fill"), inuseAt(ref, "main.fill"); got == 0 || got != want {
		t.Errorf("main.fill holds %d in-use bytes in the text profile, %d in the protobuf one", got, want)
	}
	for _, s := range p.Sample {
		if len(s.Location) > 0 && len(s.Location[0].Line) == 0 && hasSymbols(s) {
			t.Errorf("a sample starts with an unsymbolized frame (%#x) before symbolized ones", s.Location[0].Address)
		}
		if len(s.Location) > 0 && len(s.Location[0].Line) > 0 && hasUserFrame(s) {
			if fn := s.Location[0].Line[0].Function.Name; strings.HasPrefix(fn, "runtime.") {
				t.Errorf("the allocator's frame %s was kept before the program's", fn)
			}
		}
	}
}

func inuseAt(p *profile.Profile, fn string) int64 {
	fig, err := heapprof.Select(p, "inuse")
	if err != nil {
		return -1
	}
	var n int64
	for _, s := range p.Sample {
		if len(s.Location) > 0 && len(s.Location[0].Line) > 0 && s.Location[0].Line[0].Function.Name == fn {
			b, _ := fig.Values(s)
			n += b
		}
	}
	return n
}

func hasUserFrame(s *profile.Sample) bool {
	for _, loc := range s.Location {
		for _, ln := range loc.Line {
			if strings.HasPrefix(ln.Function.Name, "main.") {
				return true
			}
		}
	}
	return false
}

func hasSymbols(s *profile.Sample) bool {
	for _, loc := range s.Location {
		if len(loc.Line) > 0 {
			return true
		}
	}
	return false
}
