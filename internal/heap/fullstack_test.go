package heap

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/heap/srcline"
	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

// fullStackProgram writes a heap profile with a writer that keeps runtime
// frames runtime/pprof drops: IMPORT and WRITE are filled in per writer.
const fullStackProgram = `package main

import (
	"os"
	"runtime"

	IMPORT
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

// store lives as long as the program: its map grows across calls to
// login, whatever the loop inside one call runs.
type store struct{ sessions map[int]int }

var st = &store{sessions: map[int]int{}}

func (s *store) login(n int) {
	for i := 0; i < n; i++ {
		s.sessions[len(s.sessions)] = i // field
	}
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
	for i := 0; i < 10; i++ {
		st.login(3000)
	}
	runtime.GC()
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := WRITE(f); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}
`

// godeltaprofSums are the go.sum lines of Grafana's godeltaprof.
const godeltaprofSums = `github.com/grafana/pyroscope-go/godeltaprof v0.1.12 h1:X6OemT2WcLtxdmNukEQuIp0c+efWVI/tBTd0oeWeDHI=
github.com/grafana/pyroscope-go/godeltaprof v0.1.12/go.mod h1:aNSXN1bn1VHAd06EiepmwhAabHsMc67gx8itecdF2c8=
github.com/klauspost/compress v1.18.6 h1:2jupLlAwFm95+YDR+NwD2MEfFO9d4z4Prjl1XXDjuao=
github.com/klauspost/compress v1.18.6/go.mod h1:cwPg85FWrGar70rWktvGQj8/hthj3wpl0PGDogxkrSQ=
`

// TestFullStackProfiles checks that profiles keeping the runtime frames
// are classified from the stack alone, with no binary and no source:
// mapwatch keeps every frame, so non-map allocations are known too;
// godeltaprof strips the leading runtime. frames but keeps
// internal/runtime/maps, so growth is known and plain allocations stay
// unknown.
func TestFullStackProfiles(t *testing.T) {
	if testing.Short() {
		t.Skip("builds programs")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	mapwatchSums, err := os.ReadFile(filepath.Join(root, "mapwatch", "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []struct {
		name, require, sums, imp, write string
		nonMapKnown                     bool
	}{
		{"mapwatch", "require github.com/mapscope/mapscope/mapwatch v0.2.0\n\n" +
			"replace github.com/mapscope/mapscope/mapwatch => " + filepath.Join(root, "mapwatch") + "\n\n" +
			"replace github.com/mapscope/mapscope/mapstats => " + filepath.Join(root, "mapstats") + "\n\n" +
			"replace github.com/mapscope/mapscope/internal/mapruntime => " + filepath.Join(root, "internal", "mapruntime") + "\n",
			string(mapwatchSums), `"github.com/mapscope/mapscope/mapwatch"`, "mapwatch.WriteHeapProfile", true},
		{"godeltaprof", "require github.com/grafana/pyroscope-go/godeltaprof v0.1.12\n",
			godeltaprofSums, `"github.com/grafana/pyroscope-go/godeltaprof"`, "godeltaprof.NewHeapProfiler().Profile", false},
	} {
		t.Run(w.name, func(t *testing.T) {
			src := strings.NewReplacer("IMPORT", w.imp, "WRITE", w.write).Replace(fullStackProgram)
			prof := runProgram(t, "module example.com/fullstack\n\ngo 1.24\n\n"+w.require, w.sums, src)
			tree, err := srcline.Open(filepath.Dir(prof))
			if err != nil {
				t.Fatal(err)
			}
			checkFullStack(t, prof, &sourceAdapter{tree}, w.nonMapKnown)
		})
	}
}

// runProgram writes a module with one main.go, runs it with the path of a
// profile to write, and returns that path.
func runProgram(t *testing.T, gomod, gosum, src string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range map[string]string{"go.mod": gomod, "go.sum": gosum, "main.go": src} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	prof := filepath.Join(dir, "heap.pb.gz")
	cmd := exec.Command(testenv.GoCommand(t), "run", "-mod=mod", ".", prof)
	cmd.Dir = dir
	cmd.Env = testenv.GoEnv("")
	if out, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "dial tcp") {
			testenv.Missing(t, "cannot fetch from the module proxy: %s", out)
		}
		t.Fatalf("go run: %v\n%s", err, out)
	}
	return prof
}

// checkFullStack attributes the profile from its stacks, with the
// program's source for names and advice.
func checkFullStack(t *testing.T, prof string, src Source, nonMapKnown bool) {
	t.Helper()
	p, err := heapprof.ReadFile(prof)
	if err != nil {
		t.Fatal(err)
	}
	fig, err := heapprof.Select(p, "inuse")
	if err != nil {
		t.Fatal(err)
	}
	res := Attribute(p, Options{Figures: fig, Source: src})
	lines := strings.Split(fullStackProgram, "\n") // the markers do not move with IMPORT
	lineOf := func(marker string) int {
		return slices.IndexFunc(lines, func(l string) bool { return strings.HasSuffix(l, "// "+marker) }) + 1
	}
	var growBytes, fieldBytes int64
	for _, s := range res.Sites {
		if !strings.HasPrefix(s.Function, "main.") {
			continue
		}
		t.Logf("%s:%d %s %d %v", s.Function, s.Line, s.Kind, s.Bytes, s.Evidence)
		switch {
		case s.Function == "main.fill" && s.Line == lineOf("grow"):
			if s.Kind != Grow || s.Evidence[0] != FromStack {
				t.Errorf("fill line: %s by %v, want grow by stack first", s.Kind, s.Evidence)
			}
			// A local map filled by a loop of known length: a hint fixes it.
			if adv := Suggest(s, "inuse"); !strings.Contains(adv, "make m with that size hint") {
				t.Errorf("advice for the local map filled by a loop: %q, want a size hint", adv)
			}
			growBytes += s.Bytes
		case s.Function == "main.(*store).login" && s.Line == lineOf("field"):
			// A long-lived field that grows across calls: no hint sized
			// for one loop, the advice for a map that only grows.
			adv := Suggest(s, "inuse")
			if s.Kind != Grow || s.Map != "s.sessions" || strings.Contains(adv, "size hint") || !strings.Contains(adv, "bound or evict it") {
				t.Errorf("long-lived field s.sessions: %s %q, advice %q; want grow with advice to bound it, not a size hint", s.Kind, s.Map, adv)
			}
			fieldBytes += s.Bytes
		case s.Function == "main.objects":
			if s.Kind.IsMap() || nonMapKnown && s.Kind != NonMap {
				t.Errorf("objects line %d: %s, want nonmap", s.Line, s.Kind)
			}
		}
		if s.Kind == Unknown && nonMapKnown {
			t.Errorf("%s:%d unknown in a full-stack profile: %s", s.Function, s.Line, s.Note)
		}
	}
	// 50,000 int entries need at least 50,000*16 bytes of slots.
	if growBytes < 50000*16 {
		t.Errorf("growth at the fill line = %d bytes, want at least %d", growBytes, 50000*16)
	}
	if fieldBytes < 30000*16 {
		t.Errorf("growth at the field line = %d bytes, want at least %d", fieldBytes, 30000*16)
	}
}
