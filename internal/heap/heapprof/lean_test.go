package heapprof_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/google/pprof/profile"

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
		if lean.Len() != len(full.Sample) || len(lean.Sample) != 0 {
			t.Fatalf("%s: %d samples (%d decoded whole), want %d, none decoded whole", f, lean.Len(), len(lean.Sample), len(full.Sample))
		}
		totals := make([]int64, len(full.SampleType))
		lean.Each(func(i int, ls *profile.Sample, block int64) {
			s := full.Sample[i]
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
			if block != want {
				t.Fatalf("%s: sample %d block %d, want %d", f, i, block, want)
			}
			for j, v := range s.Value {
				totals[j] += v
			}
		})
		for j, want := range totals {
			if got := lean.Total(j); got != want {
				t.Errorf("%s: total of %s %d, want %d", f, full.SampleType[j].Type, got, want)
			}
		}
		// A whole profile wrapped as a Lean reads the same way.
		whole := &heapprof.Lean{Profile: full}
		n := 0
		whole.Each(func(i int, s *profile.Sample, block int64) {
			if s != full.Sample[i] {
				t.Fatalf("%s: whole profile's sample %d is not its own", f, i)
			}
			n++
		})
		if n != len(full.Sample) || (len(totals) > 0 && whole.Total(0) != totals[0]) {
			t.Errorf("%s: a whole profile read as Lean gives %d samples", f, n)
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
		if err != nil {
			return
		}
		if len(l.Blocks) != l.Len() {
			t.Errorf("%d blocks for %d samples", len(l.Blocks), l.Len())
		}
		// Every sample ParseLean accepted decodes, with a value per type.
		l.Each(func(i int, s *profile.Sample, _ int64) {
			if len(s.Value) != len(l.SampleType) {
				t.Errorf("sample %d has %d values for %d types", i, len(s.Value), len(l.SampleType))
			}
		})
	})
}
