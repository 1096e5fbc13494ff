package mapwatch

import (
	"bytes"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

var profiledMap map[int]int

// growFrame is a frame that runtime/pprof drops and every map-growth stack
// of this build has: Swiss tables allocate groups through
// internal/runtime/maps.newarray, the bucket map (GOEXPERIMENT=noswissmap)
// grows through runtime.hashGrow.
var growFrame = func() string {
	if swissMap() {
		return "internal/runtime/maps.newarray"
	}
	return "runtime.hashGrow"
}()

//go:noinline
func fillProfiledMap() {
	profiledMap = map[int]int{}
	for i := 0; i < 20000; i++ {
		profiledMap[i] = i
	}
}

func fetchHeapProfile(t *testing.T) []byte {
	t.Helper()
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()
	fillProfiledMap()
	srv := httptest.NewServer(HeapProfileHandler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "?gc=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, data)
	}
	return data
}

func TestHeapProfileKeepsMapFrames(t *testing.T) {
	data := fetchHeapProfile(t)
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		t.Fatalf("profile is not gzip: % x", data[:min(len(data), 4)])
	}
	p, err := profile.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parsing served profile: %v", err)
	}
	var types []string
	for _, st := range p.SampleType {
		types = append(types, st.Type+"/"+st.Unit)
	}
	if got, want := strings.Join(types, ","), "alloc_objects/count,alloc_space/bytes,inuse_objects/count,inuse_space/bytes"; got != want {
		t.Errorf("sample types = %s, want %s", got, want)
	}
	var mapBytes int64
	for _, s := range p.Sample {
		if s.Label["map_kind"] == nil {
			continue
		}
		var fns []string
		for _, l := range s.Location {
			for _, ln := range l.Line {
				fns = append(fns, ln.Function.Name)
			}
		}
		stack := strings.Join(fns, " < ")
		if strings.Contains(stack, "fillProfiledMap") && s.Label["map_kind"][0] == "grow" {
			// runtime/pprof would have dropped every frame before fillProfiledMap.
			if !strings.Contains(stack, "runtime.mapassign_fast64 < ") ||
				(swissMap() && !strings.Contains(stack, "internal/runtime/maps.")) {
				t.Errorf("map sample lost its runtime frames: %s", stack)
			}
			mapBytes += s.Value[3]
		}
	}
	// 20000 int entries hold at least 16 bytes each in their tables.
	if mapBytes < 20000*16 {
		t.Errorf("in-use map bytes at fillProfiledMap = %d, want >= %d", mapBytes, 20000*16)
	}
	runtime.KeepAlive(profiledMap)
}

// TestHeapProfileReadByGoToolPprof checks the profile with the real
// reader: go tool pprof must list the map frames that runtime/pprof drops.
func TestHeapProfileReadByGoToolPprof(t *testing.T) {
	goTool := testenv.GoCommand(t)
	file := filepath.Join(t.TempDir(), "heap.pb.gz")
	if err := os.WriteFile(file, fetchHeapProfile(t), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(goTool, "tool", "pprof", "-top", "-nodecount=1000", "-sample_index=inuse_space", file).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof -top: %v\n%s", err, out)
	}
	for _, want := range []string{growFrame, "runtime.mapassign_fast64", "fillProfiledMap"} {
		if !bytes.Contains(out, []byte(want)) {
			t.Errorf("go tool pprof -top does not show %s:\n%s", want, out)
		}
	}
	out, err = exec.Command(goTool, "tool", "pprof", "-raw", file).CombinedOutput()
	if err != nil {
		t.Fatalf("go tool pprof -raw: %v\n%s", err, out)
	}
	if !bytes.Contains(out, []byte("map_kind:[grow]")) {
		t.Errorf("go tool pprof -raw shows no map_kind label:\n%.3000s", out)
	}
}
