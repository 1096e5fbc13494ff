package heapcmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mapscope/mapscope/internal/attribute"
	"github.com/mapscope/mapscope/internal/heapprof"
)

// fullStackProgram writes a profile with mapwatch.WriteHeapProfile, which
// keeps the runtime frames that runtime/pprof drops.
const fullStackProgram = `package main

import (
	"os"
	"runtime"

	"github.com/mapscope/mapscope/mapwatch"
)

type T struct{ a [8]int }

var keep []any

func fill(n int) map[int]int {
	m := map[int]int{}
	for i := 0; i < n; i++ {
		m[i] = i // grow
	}
	return m
}

func objects(n int) []*T {
	out := make([]*T, 0, n) // nonmap
	for i := 0; i < n; i++ {
		out = append(out, &T{}) // nonmap
	}
	return out
}

func main() {
	runtime.MemProfileRate = 1
	keep = append(keep, fill(50000), objects(2000))
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := mapwatch.WriteHeapProfile(f); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}
`

// TestFullStackProfile checks that a profile keeping the runtime frames
// is classified from the stack alone, with no binary and no source.
func TestFullStackProfile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gomod := "module example.com/fullstack\n\ngo 1.24\n\n" +
		"require github.com/mapscope/mapscope/mapwatch v0.0.0\n\n" +
		"replace github.com/mapscope/mapscope/mapwatch => " + filepath.Join(root, "mapwatch") + "\n\n" +
		"replace github.com/mapscope/mapscope/mapstats => " + filepath.Join(root, "mapstats") + "\n"
	sums, err := os.ReadFile(filepath.Join(root, "mapwatch", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"go.mod": gomod, "go.sum": string(sums), "main.go": fullStackProgram} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	prof := filepath.Join(dir, "heap.pb.gz")
	cmd := exec.Command("go", "run", "-mod=mod", ".", prof)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		if os.Getenv("MAPSCOPE_CI") != "1" && strings.Contains(string(out), "dial tcp") {
			t.Skipf("cannot fetch mapwatch's dependencies: %s", out)
		}
		t.Fatalf("go run: %v\n%s", err, out)
	}

	p, err := heapprof.ReadFile(prof)
	if err != nil {
		t.Fatal(err)
	}
	fig, err := heapprof.Select(p, "inuse")
	if err != nil {
		t.Fatal(err)
	}
	res := attribute.Attribute(p, attribute.Options{Figures: fig})
	lines := strings.Split(fullStackProgram, "\n")
	lineOf := func(marker string) int {
		return slices.IndexFunc(lines, func(l string) bool { return strings.HasSuffix(l, "// "+marker) }) + 1
	}
	var growBytes int64
	for _, s := range res.Sites {
		if !strings.HasPrefix(s.Function, "main.") {
			continue
		}
		t.Logf("%s:%d %s %d %v", s.Function, s.Line, s.Kind, s.Bytes, s.Evidence)
		switch {
		case s.Function == "main.fill" && s.Line == lineOf("grow"):
			if s.Kind != attribute.Grow || !slices.Equal(s.Evidence, []attribute.Evidence{attribute.FromStack}) {
				t.Errorf("fill line: %s by %v, want grow by stack", s.Kind, s.Evidence)
			}
			growBytes += s.Bytes
		case s.Function == "main.objects":
			if s.Kind != attribute.NonMap {
				t.Errorf("objects line %d: %s, want nonmap", s.Line, s.Kind)
			}
		}
		if s.Kind == attribute.Unknown {
			t.Errorf("%s:%d unknown in a full-stack profile: %s", s.Function, s.Line, s.Note)
		}
	}
	// 50,000 int entries need at least 50,000*16 bytes of slots.
	if growBytes < 50000*16 {
		t.Errorf("growth at the fill line = %d bytes, want at least %d", growBytes, 50000*16)
	}
}
