package heapprof_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

// ParseLean reads every corpus profile to the same stacks, values and
// block sizes as Parse, for every toolchain's profiles.
func TestParseLeanAgrees(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(heaptest.OutDir(), "*", "*.pb.gz"))
	if len(files) == 0 {
		t.Fatal("no corpus profiles")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		full, err := heapprof.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		lean, err := heapprof.ParseLean(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(lean.Sample) != len(full.Sample) || len(lean.Blocks) != len(full.Sample) {
			t.Fatalf("%s: %d samples (%d blocks), want %d", f, len(lean.Sample), len(lean.Blocks), len(full.Sample))
		}
		for i, s := range full.Sample {
			ls := lean.Sample[i]
			if !reflect.DeepEqual(ls.Value, s.Value) {
				t.Fatalf("%s: sample %d values %v, want %v", f, i, ls.Value, s.Value)
			}
			if len(ls.Location) != len(s.Location) {
				t.Fatalf("%s: sample %d has %d locations, want %d", f, i, len(ls.Location), len(s.Location))
			}
			for j := range s.Location {
				if ls.Location[j].ID != s.Location[j].ID || ls.Location[j].Address != s.Location[j].Address {
					t.Fatalf("%s: sample %d location %d differs", f, i, j)
				}
			}
			var want int64
			if b := s.NumLabel["bytes"]; len(b) == 1 {
				want = b[0]
			}
			if lean.Blocks[i] != want {
				t.Fatalf("%s: sample %d block %d, want %d", f, i, lean.Blocks[i], want)
			}
		}
		if lean.TimeNanos != full.TimeNanos || len(lean.Location) != len(full.Location) || len(lean.Function) != len(full.Function) {
			t.Errorf("%s: the rest of the profile differs", f)
		}
	}
}

// Every input Parse refuses, ParseLean refuses too, and it never panics.
func TestParseLeanRefuses(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(heaptest.OutDir(), "go1.26-default", "heap.pb.gz"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"empty":     nil,
		"truncated": good[:len(good)/2],
		"garbage":   []byte("this is not a profile"),
		"proto-ish": {0x12, 0xff, 0xff, 0x01},
	} {
		if _, err := heapprof.ParseLean(data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParseLean(f *testing.F) {
	good, err := os.ReadFile(filepath.Join(heaptest.OutDir(), "go1.26-default", "heap.pb.gz"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte{0x12, 0x04, 0x0a, 0x02, 0x01, 0x02})
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := heapprof.ParseLean(data)
		if err == nil && len(l.Blocks) != len(l.Sample) {
			t.Errorf("%d blocks for %d samples", len(l.Blocks), len(l.Sample))
		}
	})
}
