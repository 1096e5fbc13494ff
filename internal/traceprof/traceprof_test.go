package traceprof

import (
	"bytes"
	"compress/gzip"
	"os"
	"regexp"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mapscope/mapscope/internal/cpuprof"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
)

func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		head string
		v    int
		err  string
	}{
		{"go 1.22 trace\x00\x00\x00", 22, ""},
		{"go 1.23 trace\x00\x00\x00", 23, ""},
		{"go 1.25 trace\x00\x00\x00", 25, ""},
		{"go 1.26 trace\x00\x00\x00", 26, ""},
		{"go 1.21 trace\x00\x00\x00", 21, "a trace in the format of Go 1.21, which mapscope does not read: it reads the traces of Go 1.22 to 1.27; record the trace with a newer Go"},
		{"go 1.28 trace\x00\x00\x00", 28, "a trace in the format of Go 1.28, newer than this mapscope reads (the formats of Go 1.22 to 1.26, which Go 1.22 to 1.27 write): a newer mapscope may read it"},
		{"go 1.x trace\x00\x00\x00", 0, "not a Go execution trace (its header is damaged)"},
		{"\x1f\x8b\x08\x00", 0, "not a Go execution trace (record one with runtime/trace, go test -trace, or /debug/pprof/trace)"},
		{"hello", 0, "not a Go execution trace (record one with runtime/trace, go test -trace, or /debug/pprof/trace)"},
		{"", 0, "empty file"},
	} {
		v, err := Version([]byte(tc.head + "rest of the trace"))
		if tc.head == "" {
			v, err = Version(nil)
		}
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if v != tc.v || msg != tc.err {
			t.Errorf("Version(%q) = %d, %q; want %d, %q", tc.head, v, msg, tc.v, tc.err)
		}
	}
}

// ownTrace records, once per test binary, a trace of this process filling
// maps with CPU profiling on, so that the trace has CPU samples.
var ownTrace = sync.OnceValues(func() ([]byte, error) {
	var cpu, tr bytes.Buffer
	if err := pprof.StartCPUProfile(&cpu); err != nil {
		return nil, err
	}
	defer pprof.StopCPUProfile()
	if err := trace.Start(&tr); err != nil {
		return nil, err
	}
	for end := time.Now().Add(400 * time.Millisecond); time.Now().Before(end); {
		fillForTrace()
	}
	trace.Stop()
	return tr.Bytes(), nil
})

var traceSink int

func fillForTrace() {
	m := make(map[int]int)
	for i := range 1 << 15 {
		m[i] = i
	}
	traceSink += len(m)
}

func realTrace(t testing.TB) []byte {
	t.Helper()
	data, err := ownTrace()
	if err != nil {
		t.Skipf("cannot trace here: %v", err)
	}
	return data
}

func TestReadOwnTrace(t *testing.T) {
	data := realTrace(t)
	res, err := Read(data, Options{Options: cpuprof.Options{MainModule: "github.com/mapscope/mapscope"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != Newest || res.Duration <= 0 {
		t.Errorf("version %d, duration %v", res.Version, time.Duration(res.Duration))
	}
	if len(res.Heap) == 0 || len(res.Goal) == 0 {
		t.Errorf("%d heap and %d goal points, want some", len(res.Heap), len(res.Goal))
	}
	if res.CPUSamples == 0 {
		t.Skip("no CPU samples: the machine is too busy")
	}
	if len(res.Sites) == 0 || !strings.HasSuffix(res.Sites[0].Function, ".fillForTrace") || res.Sites[0].CPU[mapop.Grow] == 0 {
		t.Errorf("costliest site %v, want fillForTrace growing", res.Sites)
	}
	// The same trace gzip-compressed reads the same.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(data)
	zw.Close()
	res2, err := Read(gz.Bytes(), Options{Options: cpuprof.Options{MainModule: "github.com/mapscope/mapscope"}})
	if err != nil || res2.CPUSamples != res.CPUSamples || res2.Map != res.Map {
		t.Errorf("gzip-compressed: %v, %d samples", err, res2.CPUSamples)
	}
}

func TestReadBad(t *testing.T) {
	data := realTrace(t)
	var cpu bytes.Buffer
	if err := pprof.StartCPUProfile(&cpu); err == nil {
		pprof.StopCPUProfile()
	}
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", data[:len(data)*2/3], "truncated"},
		{"header only", data[:16], ""}, // an empty trace is a trace of nothing
		{"newer", append([]byte("go 1.27 trace\x00\x00\x00"), data[16:]...), "format of Go 1.27, newer than this mapscope reads"},
		{"older", append([]byte("go 1.19 trace\x00\x00\x00"), data[16:]...), "format of Go 1.19, which mapscope does not read"},
		{"garbage after the header", append(data[:16:16], bytes.Repeat([]byte{0xff}, 100)...), "trace"},
		{"truncated gzip", gzipped(data)[:100], "truncated gzip data"},
		{"a CPU profile", cpu.Bytes(), "a pprof profile, not an execution trace: use mapscope cpu for a CPU profile, mapscope heap for a heap profile"},
	} {
		_, err := Read(tc.data, Options{})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		case err != nil && strings.Contains(err.Error(), "\n"):
			t.Errorf("%s: the error is not one line: %q", tc.name, err)
		}
	}
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

var toolchains = []string{"go1.23.12", "local", "go1.27.4"}

// TestMapLoads traces the maploads program (testdata/maploads) built with
// each toolchain, with CPU profiling on and GOGC=25 so that the GC runs
// and assists often, and checks what mapscope trace must find: the growth
// at the site filling a map made without a hint and none at the presized
// one (under 5% of the unhinted site's), GC cycles, pauses, the heap
// timeline, and assists begun in map code charged to the sites that
// allocated: growth at the unhinted fill, the make of the presized one.
func TestMapLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and traces programs")
	}
	for _, tc := range toolchains {
		t.Run(tc, func(t *testing.T) {
			t.Parallel()
			run := heaptest.RunMapLoads(t, tc, 1, "GOGC=25")
			data, err := os.ReadFile(run.Trace)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Read(data, Options{Options: cpuprof.Options{Focus: regexp.MustCompile(`^main\.`)}})
			if err != nil {
				t.Fatal(err)
			}
			site := func(name string) *cpuprof.Site {
				for _, s := range res.Sites {
					if s.Line == run.Lines[name] && s.Function == run.Funcs[name] {
						return s
					}
				}
				return &cpuprof.Site{}
			}
			unhinted, presized := site("unhinted"), site("presized")
			grow, pgrow := unhinted.CPU[mapop.Grow], presized.CPU[mapop.Grow]
			stw, _ := res.STWTime()
			t.Logf("%s: format 1.%d, %v; %d GCs, %d pauses (%v), %d assists (%v, %v in map code); %d CPU samples; growth %v at the unhinted site, %v at the presized one; assists at the unhinted site %v (%d)",
				tc, res.Version, time.Duration(res.Duration), len(res.GCs), len(res.STWs), time.Duration(stw), len(res.Assists),
				time.Duration(res.AssistTotal), time.Duration(res.AssistMap.Total()), res.CPUSamples,
				time.Duration(grow), time.Duration(pgrow), time.Duration(unhinted.Assist.Total()), unhinted.Assists)
			want := map[string]int{"go1.23.12": 23, "local": 26, "go1.27.4": 26}[tc]
			if res.Version != want {
				t.Errorf("trace format 1.%d, want 1.%d", res.Version, want)
			}
			if grow < int64(50*time.Millisecond) {
				t.Errorf("growth at the unhinted site is %v, want at least 50ms", time.Duration(grow))
			}
			if pgrow*20 >= grow || presized.CPU.Total() == 0 {
				t.Errorf("growth at the presized site is %v of %v, not under 5%% of the unhinted site's %v", time.Duration(pgrow), time.Duration(presized.CPU.Total()), time.Duration(grow))
			}
			if len(res.GCs) == 0 || len(res.STWs) == 0 || len(res.Heap) == 0 || len(res.Goal) == 0 {
				t.Errorf("%d GCs, %d pauses, %d heap and %d goal points: want some of each", len(res.GCs), len(res.STWs), len(res.Heap), len(res.Goal))
			}
			if heap, goal := res.PeakHeap(); heap < 16<<20 || goal == 0 {
				t.Errorf("peak heap %d, goal %d: the maps alone hold tens of MB", heap, goal)
			}
			for _, a := range res.Assists {
				if a.Site == nil {
					continue
				}
				// A bucket map (Go 1.23) also allocates overflow buckets
				// as it fills, which is part of an assignment.
				ok := a.Site == unhinted && (a.Op == mapop.Grow || a.Op == mapop.Assign && res.Version == 23) ||
					a.Site == site("make") && a.Op == mapop.Make ||
					a.Site == site("clear-fill") && a.Op == mapop.Grow
				if !ok {
					t.Errorf("an assist in map code charged to %s:%d as %v", a.Site.Function, a.Site.Line, a.Op)
				}
			}
			if presized.Assist[mapop.Grow] != 0 {
				t.Errorf("assists in growth at the presized site")
			}
			if unhinted.Assists > 0 && !strings.Contains(strings.Join(res.AssistStacks[unhinted], " "), "runtime.gcAssistAlloc") {
				t.Errorf("the unhinted site's assist stack %q does not reach the assist", res.AssistStacks[unhinted])
			}
		})
	}
}
