package binfile

import (
	"testing"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

// The corpus variants are real programs with goroutines (go statement
// wrappers) and method values (-fm wrappers) in their stacks: every kept
// binary must match its own profiles, and no other variant's.
func TestMatchCorpusVariants(t *testing.T) {
	variants, err := heaptest.Variants(heaptest.OutDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range variants {
		if v.Binary == "" {
			continue
		}
		f, err := Open(v.Binary)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range variants {
			for _, prof := range []string{w.Heap, w.Allocs} {
				p, err := heapprof.ReadFile(prof)
				if err != nil {
					t.Fatal(err)
				}
				err = f.Match(p)
				if same := w.Name == v.Name; same != (err == nil) {
					t.Errorf("binary of %s, profile %s of %s: Match = %v", v.Name, prof, w.Name, err)
				}
			}
		}
		f.Close()
	}
}
