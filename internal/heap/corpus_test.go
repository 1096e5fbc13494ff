package heap

import (
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

// The corpus is a real program with one scenario per way of allocating
// map storage; its source carries "// want" annotations saying what each
// line allocates. These tests attribute its profiles, built with several
// Go versions and flags, and hold every annotation against the result.

func TestCorpusCheckedIn(t *testing.T) {
	variants, err := heaptest.Variants(heaptest.OutDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(variants) == 0 {
		t.Fatal("no corpus variants checked in")
	}
	for _, v := range variants {
		t.Run(v.Name, func(t *testing.T) { checkVariant(t, v) })
	}
}

func TestCorpusLive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the corpus")
	}
	for _, tc := range []struct {
		toolchain string
		trimpath  bool
	}{{"", false}, {"", true}} {
		t.Run(fmt.Sprintf("%s-trimpath=%v", tc.toolchain, tc.trimpath), func(t *testing.T) {
			checkVariant(t, heaptest.BuildCorpus(t, tc.toolchain, tc.trimpath))
		})
	}
}

type mode struct {
	name           string
	binary, source bool
}

func checkVariant(t *testing.T, v heaptest.Variant) {
	wants, err := heaptest.Wants(heaptest.SrcDir())
	if err != nil {
		t.Fatal(err)
	}
	modes := []mode{{"none", false, false}, {"source", false, true}}
	if v.Binary != "" {
		modes = append(modes, mode{"binary", true, false}, mode{"binary+source", true, true})
	}
	for _, prof := range []string{v.Heap, v.Allocs} {
		p, err := heapprof.ReadFile(prof)
		if err != nil {
			t.Fatal(err)
		}
		results := map[string]*Result{}
		for _, m := range modes {
			t.Run(filepath.Base(prof)+"/"+m.name, func(t *testing.T) {
				res := attributeWith(t, p, v, m)
				results[m.name] = res
				checkWants(t, res, wants, m, bucketMaps(v.GoVersion))
			})
		}
		if results["source"] != nil && results["binary+source"] != nil {
			t.Run(filepath.Base(prof)+"/size", func(t *testing.T) {
				checkSizeEvidence(t, results["source"], results["binary+source"], wants)
			})
		}
	}
}

// checkSizeEvidence holds the block-size evidence, which splits lines such
// as m[k] = &T{} without the binary, against the binary's answer: on every
// such line, the bytes the size calls grow (or nonmap) must be bytes the
// binary calls grow (or nonmap) too.
func checkSizeEvidence(t *testing.T, bySize, byBinary *Result, wants []heaptest.Want) {
	total := func(r *Result, w heaptest.Want, k Kind, sizeOnly bool) int64 {
		var n int64
		for _, s := range r.Sites {
			if path.Base(filepath.ToSlash(s.File)) == w.File && s.Line == w.Line && s.Kind == k &&
				(!sizeOnly || slices.Contains(s.Evidence, FromSize)) {
				n += s.Bytes
			}
		}
		return n
	}
	decided := int64(0)
	for _, w := range wants {
		if w.Also == "" {
			continue
		}
		for _, k := range []Kind{Kind(w.Kind), Kind(w.Also)} {
			got, want := total(bySize, w, k, true), total(byBinary, w, k, false)
			decided += got
			if got > want {
				t.Errorf("%v: the block size calls %d bytes %s, the binary only %d", w, got, k, want)
			}
		}
	}
	if decided == 0 {
		t.Error("the block size decided no byte of the lines that mix map storage and other allocations")
	}
}

func attributeWith(t *testing.T, p *profile.Profile, v heaptest.Variant, m mode) *Result {
	t.Helper()
	binPath, srcDir := "", ""
	if m.binary {
		binPath = v.Binary
	}
	if m.source {
		srcDir = heaptest.SrcDir()
	}
	ev, err := Open(Config{Binary: binPath, Source: srcDir}, Profile{Name: v.Heap, Profile: p})
	if err != nil {
		t.Fatal(err)
	}
	defer ev.Close()
	fig, err := heapprof.Select(p, "")
	if err != nil {
		t.Fatal(err)
	}
	res := Attribute(p, ev.Options(fig))
	if m.source && res.SourceMismatched > 0 {
		t.Errorf("source mismatches on the corpus's own source: %v", res.SourceErrors)
	}
	return res
}

// bucketMaps reports whether a toolchain builds the bucket maps of Go
// 1.21-1.23, whose presized maps still allocate at the first inserts: the
// overflow-bucket bookkeeping (mapextra and its slice) is made lazily.
func bucketMaps(goVersion string) bool {
	for _, v := range []string{"go1.21", "go1.22", "go1.23"} {
		if goVersion == v || strings.HasPrefix(goVersion, v+".") {
			return true
		}
	}
	return false
}

func checkWants(t *testing.T, res *Result, wants []heaptest.Want, m mode, buckets bool) {
	at := map[string][]*Site{}
	for _, s := range res.Sites {
		k := fmt.Sprintf("%s:%d", path.Base(filepath.ToSlash(s.File)), s.Line)
		at[k] = append(at[k], s)
	}
	for _, w := range wants {
		sites := at[fmt.Sprintf("%s:%d", w.File, w.Line)]
		describe := func() string {
			var b strings.Builder
			for _, s := range sites {
				fmt.Fprintf(&b, " [%s %q %q %v %s]", s.Kind, s.Map, s.Type, s.Evidence, s.Note)
			}
			return b.String()
		}
		switch {
		case w.None:
			if buckets {
				continue
			}
			for _, s := range sites {
				if s.Kind == Grow {
					t.Errorf("%v: got growth there:%s", w, describe())
				}
			}
		case w.Kind == "nonmap":
			// The near miss that matters most: never call a non-map
			// allocation map storage, whatever the evidence.
			for _, s := range sites {
				if s.Kind.IsMap() {
					t.Errorf("%v: non-map allocation called map storage:%s", w, describe())
				}
			}
			if m.binary && !hasKind(sites, NonMap) && len(sites) > 0 {
				t.Errorf("%v: with the binary, want a nonmap site, got%s", w, describe())
			}
		default:
			if len(sites) == 0 {
				continue // freed before the profile (the corpus tests check presence)
			}
			if !m.binary && !m.source {
				// Without binary or source only stack evidence
				// counts: reflect, clone, syncmap and literals at
				// package level are recognised, the rest is unknown.
				for _, s := range sites {
					if s.Kind.IsMap() && string(s.Kind) != w.Kind && !libraryMap(s) {
						t.Errorf("%v: stack evidence alone said %s:%s", w, s.Kind, describe())
					}
				}
				continue
			}
			if w.Also != "" && !m.binary {
				// Source alone cannot split m[k] = &T{}: unknown is
				// the honest answer, a wrong kind is not.
				for _, s := range sites {
					if s.Kind != Unknown && string(s.Kind) != w.Kind && string(s.Kind) != w.Also && !libraryMap(s) {
						t.Errorf("%v: got %s:%s", w, s.Kind, describe())
					}
				}
				continue
			}
			s := findKind(sites, Kind(w.Kind))
			if s == nil {
				t.Errorf("%v: no %s site, got%s", w, w.Kind, describe())
				continue
			}
			// A map built through reflect is a reflect.Value: its
			// type is only named when the source spells it out.
			typeOK := s.Type == w.Type || s.Kind == Reflect && s.Type == ""
			if m.source && w.Map != "" && (s.Map != w.Map || !typeOK) {
				t.Errorf("%v: named %q %q", w, s.Map, s.Type)
			}
			if w.Also != "" && !hasKind(sites, Kind(w.Also)) {
				t.Errorf("%v: no %s site beside the %s site:%s", w, w.Also, w.Kind, describe())
			}
		}
	}
}

// libraryMap reports a site whose map storage belongs to a library the
// line called (encoding/json's sync.Map of type information, say): real
// map storage, but not of a map the annotation is about.
func libraryMap(s *Site) bool {
	return s.Kind.IsMap() && s.Map == "" && len(s.Path) > 2
}

func hasKind(sites []*Site, k Kind) bool { return findKind(sites, k) != nil }

func findKind(sites []*Site, k Kind) *Site {
	for _, s := range sites {
		if s.Kind == k {
			return s
		}
	}
	return nil
}
