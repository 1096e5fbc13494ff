package heapprof

import (
	"bytes"
	"compress/gzip"
	"math/rand"
	"runtime"
	"runtime/pprof"
	"strings"
	"testing"
	"time"
)

// sink keeps allocations reachable so they show in the in-use profile.
var sink []map[int]int

func heapProfile(t testing.TB, debug int) []byte {
	t.Helper()
	old := runtime.MemProfileRate
	runtime.MemProfileRate = 1
	defer func() { runtime.MemProfileRate = old }()
	m := make(map[int]int)
	for i := range 1000 {
		m[i] = i
	}
	sink = append(sink, m)
	runtime.GC()
	var buf bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&buf, debug); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func cpuProfile(t *testing.T) []byte {
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		t.Skipf("cannot profile CPU here: %v", err)
	}
	deadline := time.Now().Add(50 * time.Millisecond)
	for time.Now().Before(deadline) {
	}
	pprof.StopCPUProfile()
	return buf.Bytes()
}

func gzipped(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestParseHeapProfiles(t *testing.T) {
	proto := heapProfile(t, 0) // runtime/pprof writes gzipped protobuf
	plain, err := Gunzip(proto)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"gzip":   proto,
		"plain":  plain,
		"legacy": heapProfile(t, 1), // the text format of ?debug=1
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			fig, err := Select(p, "")
			if err != nil {
				t.Fatal(err)
			}
			if fig.Sample != "inuse" {
				t.Errorf("default sample of a heap profile = %q, want inuse", fig.Sample)
			}
			var total int64
			for _, s := range p.Sample {
				v, _ := fig.Values(s)
				total += v
			}
			if total < 1000*8 {
				t.Errorf("inuse bytes = %d, want at least the map's entries", total)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	heap := heapProfile(t, 0)
	random := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(random)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "empty file"},
		{"truncated gzip", heap[:len(heap)/2], "truncated gzip"},
		{"gzip header only", heap[:10], "truncated gzip"},
		{"empty gzip", gzipped(nil), "empty profile"},
		{"random bytes", random, "not a pprof profile"},
		{"text", []byte("hello, world\n"), "not a pprof profile"},
		{"cpu profile", cpuProfile(t), "CPU profile"},
		{"goroutine profile", func() []byte {
			var buf bytes.Buffer
			pprof.Lookup("goroutine").WriteTo(&buf, 0)
			return buf.Bytes()
		}(), "goroutine profile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.data)
			if err == nil {
				t.Fatalf("Parse accepted %s (%d samples)", tc.name, len(p.Sample))
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q spans several lines", err)
			}
		})
	}
}

func TestSelect(t *testing.T) {
	p, err := Parse(heapProfile(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	for _, sample := range []string{"inuse", "alloc"} {
		f, err := Select(p, sample)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.SampleType[f.Space].Type; got != sample+"_space" {
			t.Errorf("Select(%s) space type = %s", sample, got)
		}
		if got := p.SampleType[f.Objects].Type; got != sample+"_objects" {
			t.Errorf("Select(%s) objects type = %s", sample, got)
		}
	}
	if _, err := Select(p, "cpu"); err == nil {
		t.Error("Select accepted -sample cpu")
	}
	p.DefaultSampleType = "alloc_space" // what /debug/pprof/allocs writes
	if f, _ := Select(p, ""); f.Sample != "alloc" {
		t.Errorf("default for an allocs profile = %s, want alloc", f.Sample)
	}
}

func FuzzParse(f *testing.F) {
	heap := heapProfile(f, 0)
	plain, _ := Gunzip(heap)
	f.Add(heap)
	f.Add(plain)
	f.Add(heap[:len(heap)/3])
	f.Add([]byte("heap profile: 1: 2 [3: 4] @ heap/1048576\n1: 2 [3: 4] @ 0x1 0x2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Parse(data)
		if err != nil {
			if p != nil {
				t.Fatal("Parse returned a profile and an error")
			}
			return
		}
		for _, sample := range []string{"", "inuse", "alloc"} {
			if fig, err := Select(p, sample); err == nil {
				for _, s := range p.Sample {
					fig.Values(s)
				}
			}
		}
	})
}
