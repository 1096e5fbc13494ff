package heaptest

import (
	"debug/buildinfo"
	"debug/elf"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

func TestParseWant(t *testing.T) {
	good := []struct {
		text string
		want Want
	}{
		{"none", Want{None: true}},
		{"nonmap", Want{Kind: "nonmap"}},
		{`grow "s.sessions" "map[string]*Session"`, Want{Kind: "grow", Map: "s.sessions", Type: "map[string]*Session"}},
		{`grow "m" "map[int]*T"; nonmap`, Want{Kind: "grow", Map: "m", Type: "map[int]*T", Also: "nonmap"}},
		{` syncmap "sm" ;  nonmap `, Want{Kind: "syncmap", Map: "sm", Also: "nonmap"}},
	}
	for _, tt := range good {
		got, err := parseWantText(tt.text)
		if err != nil || got != tt.want {
			t.Errorf("parseWant(%q) = %+v, %v; want %+v", tt.text, got, err, tt.want)
		}
	}
	bad := []string{
		"",
		"nothing",
		"none; grow",
		`grow`,
		"leak",
		`"m" "map[int]int"`,
		`grow "m"`,
		`nonmap "m"`,
		`grow "" "map[int]int"; leak`,
		`grow "" "map[int]int"; make "" "map[int]int"`,
		`grow "" "map[int]int" red`,
		`grow "m" "map[int]int"; nonmap; make`,
		`grow "unterminated`,
	}
	for _, text := range bad {
		if w, err := parseWantText(text); err == nil {
			t.Errorf("parseWant(%q) = %+v, want an error", text, w)
		}
	}
}

func parseWantText(text string) (Want, error) {
	toks, err := ScanAnnotation(text)
	if err != nil {
		return Want{}, err
	}
	return parseWant(toks)
}

func TestWantsErrors(t *testing.T) {
	if _, err := Wants(t.TempDir()); err == nil {
		t.Error("Wants of an empty directory: no error")
	}
	dir := t.TempDir()
	src := "package p\n\nvar x = new(int) // want: nonmap\nvar y = map[int]int{} // want: make\n"
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o666); err != nil {
		t.Fatal(err)
	}
	_, err := Wants(dir)
	if err == nil || !strings.Contains(err.Error(), "p.go:4:") {
		t.Errorf("Wants with a bad annotation on line 4: err = %v, want one naming p.go:4", err)
	}
}

// TestCorpusWants checks that the corpus annotates every kind, and that
// each annotated line is real code, not a comment or a blank line.
func TestCorpusWants(t *testing.T) {
	wants := corpusWants(t)
	kinds := map[string]int{}
	for _, w := range wants {
		if w.None {
			kinds["none"]++
		} else {
			kinds[w.Kind]++
		}
		if w.Also != "" {
			kinds["also="+w.Also]++
		}
	}
	for _, k := range []string{"grow", "make", "clone", "reflect", "syncmap", "nonmap", "none", "also=nonmap"} {
		if kinds[k] == 0 {
			t.Errorf("corpus has no %s annotation", k)
		}
	}
	t.Logf("%d annotations: %v", len(wants), kinds)

	// The named map must be on its line, so a typo in an annotation (or
	// an annotation left on the wrong line after an edit) is caught.
	lines := map[string][]string{}
	for _, w := range wants {
		if lines[w.File] == nil {
			data, err := os.ReadFile(filepath.Join(SrcDir(), w.File))
			if err != nil {
				t.Fatal(err)
			}
			lines[w.File] = strings.Split(string(data), "\n")
		}
		code, _, _ := strings.Cut(lines[w.File][w.Line-1], annotationPrefix)
		if strings.TrimSpace(code) == "" {
			t.Errorf("%v: annotation on a line without code", w)
		}
		if w.Map != "" && !strings.Contains(code, w.Map) {
			t.Errorf("%v: map %s is not on the line %q", w, w.Map, strings.TrimSpace(code))
		}
		if w.Kind == "make" && !strings.Contains(code, w.Type) {
			t.Errorf("%v: type %s is not on the line %q", w, w.Type, strings.TrimSpace(code))
		}
	}
}

func corpusWants(t *testing.T) []Want {
	t.Helper()
	wants, err := Wants(SrcDir())
	if err != nil {
		t.Fatal(err)
	}
	return wants
}

func TestVariantsUpToDate(t *testing.T) {
	vs := variants(t)
	hash, err := SrcHash(SrcDir())
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, v := range vs {
		names[v.Name] = true
		m, err := ReadManifest(filepath.Join(v.Dir, manifestFile))
		if err != nil {
			t.Fatal(err)
		}
		if m.SrcHash != hash {
			t.Errorf("%s was built from other source than %s: run go run ./internal/heap/heaptest/gen", v.Name, SrcDir())
		}
		if want := VariantName(v.GoVersion, v.Trimpath, v.Stripped); v.Name != want {
			t.Errorf("variant %s: manifest says it is %s", v.Name, want)
		}
		if v.Binary != "" {
			checkBinary(t, v)
		}
	}
	for _, want := range []string{"go1.23-default", "go1.26-default", "go1.26-trimpath", "go1.26-stripped", "go1.27-default"} {
		if !names[want] {
			t.Errorf("no variant %s in %s", want, OutDir())
		}
	}
}

// checkBinary checks that a kept binary is what its manifest says: the Go
// version, a symbol table unless stripped, and never DWARF.
func checkBinary(t *testing.T, v Variant) {
	t.Helper()
	info, err := buildinfo.ReadFile(v.Binary)
	if err != nil {
		t.Fatal(err)
	}
	if info.GoVersion != v.GoVersion {
		t.Errorf("%s: binary built by %s, manifest says %s", v.Name, info.GoVersion, v.GoVersion)
	}
	trimpath := false
	for _, s := range info.Settings {
		if s.Key == "-trimpath" && s.Value == "true" {
			trimpath = true
		}
	}
	if trimpath != v.Trimpath {
		t.Errorf("%s: binary -trimpath=%v, manifest says %v", v.Name, trimpath, v.Trimpath)
	}
	f, err := elf.Open(v.Binary)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Section(".debug_info") != nil {
		t.Errorf("%s: binary has DWARF; the corpus is linked with -w", v.Name)
	}
	if hasSymtab := f.Section(".symtab") != nil; hasSymtab == v.Stripped {
		t.Errorf("%s: binary has .symtab = %v, but stripped = %v", v.Name, hasSymtab, v.Stripped)
	}
}

func variants(t *testing.T) []Variant {
	t.Helper()
	vs, err := Variants(OutDir())
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestVariantProfiles proves the corpus means what its annotations say, in
// the heap profile of every checked-in variant.
func TestVariantProfiles(t *testing.T) {
	wants := corpusWants(t)
	for _, v := range variants(t) {
		t.Run(v.Name, func(t *testing.T) {
			checkProfiles(t, v, wants)
		})
	}
}

// TestBuildLive builds and runs the corpus now, with the go command's own
// toolchain and with the last bucket-map one, and checks the fresh
// profiles the same way: the checked-in profiles could have been lucky.
func TestBuildLive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the corpus")
	}
	wants := corpusWants(t)
	for _, tt := range []struct {
		toolchain string
		trimpath  bool
	}{{"", false}, {"", true}, {"go1.23.12", true}} {
		t.Run(fmt.Sprintf("%s-trimpath=%v", displayToolchain(tt.toolchain), tt.trimpath), func(t *testing.T) {
			v := BuildCorpus(t, tt.toolchain, tt.trimpath)
			if v.Binary == "" || v.Trimpath != tt.trimpath {
				t.Fatalf("Build returned %+v", v)
			}
			if tt.toolchain != "" && v.GoVersion != tt.toolchain {
				t.Errorf("Build(%s) built with %s", tt.toolchain, v.GoVersion)
			}
			checkBinary(t, v)
			checkProfiles(t, v, wants)
		})
	}
}

// site is a source line of the corpus, by file base name.
type site struct {
	file string
	line int
}

func (s site) String() string { return fmt.Sprintf("%s:%d", s.file, s.line) }

// userSample is a heap profile sample seen from its leaf user frame: the
// innermost frame of package main, and the functions called below it.
type userSample struct {
	below []string // innermost first
	bytes int64    // alloc_space
}

// userSamples groups the samples of a profile by their leaf user frame.
// Samples without a frame of package main (the runtime's own) are left out.
func userSamples(t *testing.T, p *profile.Profile, trimpath bool) map[site][]userSample {
	t.Helper()
	space := -1
	for i, st := range p.SampleType {
		if st.Type == "alloc_space" {
			space = i
		}
	}
	if space < 1 || p.SampleType[space-1].Type != "alloc_objects" {
		t.Fatalf("profile has no alloc_space sample type: %v", p.SampleType)
	}
	objects := space - 1 // alloc_objects precedes alloc_space
	sites := map[site][]userSample{}
	for _, s := range p.Sample {
		// runtime/pprof writes every allocation site it knows, also those
		// whose allocations came after the last GC and so count zero.
		if s.Value[objects] == 0 {
			continue
		}
		var below []string
	frames:
		for _, loc := range s.Location {
			for _, ln := range loc.Line {
				if ln.Function == nil {
					continue
				}
				if !strings.HasPrefix(ln.Function.Name, "main.") {
					below = append(below, ln.Function.Name)
					continue
				}
				file := ln.Function.Filename
				if trimpath && path.Dir(file) != "example.com/corpus" {
					t.Errorf("-trimpath profile names %s for %s", file, ln.Function.Name)
				}
				if !trimpath && !filepath.IsAbs(file) {
					t.Errorf("default profile names relative file %s for %s", file, ln.Function.Name)
				}
				k := site{path.Base(file), int(ln.Line)}
				sites[k] = append(sites[k], userSample{below: below, bytes: s.Value[space]})
				break frames
			}
		}
	}
	return sites
}

// evidence reports whether the frames below a user line show the
// allocation is of the given kind: the frames that survive in a heap
// profile for reflect, maps.Clone and sync.Map, and no frame at all for
// growth and initial sizing (the runtime's map frames are removed).
func evidence(kind string, below []string) bool {
	has := func(prefixes ...string) bool {
		for _, f := range below {
			for _, p := range prefixes {
				if strings.HasPrefix(f, p) {
					return true
				}
			}
		}
		return false
	}
	switch kind {
	case "grow", "make":
		return len(below) == 0
	case "clone":
		return has("maps.clone")
	case "reflect":
		return has("reflect.mapassign", "reflect.makemap", "reflect.MakeMap")
	case "syncmap":
		return has("sync.", "internal/sync.")
	}
	return true
}

func checkProfiles(t *testing.T, v Variant, wants []Want) {
	t.Helper()
	heap := ReadProfile(t, v.Heap)
	if heap.Period != 1 {
		t.Errorf("%s: heap profile sampled every %d bytes, want 1 (MemProfileRate = 1)", v.Name, heap.Period)
	}
	sites := userSamples(t, heap, v.Trimpath)
	annotated := map[site]bool{}
	for _, w := range wants {
		s := site{w.File, w.Line}
		annotated[s] = true
		samples := sites[s]
		if w.None {
			if len(samples) > 0 {
				t.Errorf("%s: %v: %d samples at a line that must not allocate", v.Name, w, len(samples))
			}
			continue
		}
		if len(samples) == 0 {
			t.Errorf("%s: %v: no sample has this line as its leaf user frame", v.Name, w)
			continue
		}
		found := false
		for _, us := range samples {
			if evidence(w.Kind, us.below) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: %v: no sample shows %s evidence; frames below: %v", v.Name, w, w.Kind, belowLists(samples))
		}
		if w.Also != "" && len(samples) < 2 {
			t.Errorf("%s: %v: one sample only, want one per kind", v.Name, w)
		}
	}
	var unannotated []string
	gcCalls := gcCallLines(t)
	for s, samples := range sites {
		if annotated[s] {
			continue
		}
		if gcCalls[s] && runtimeOnly(samples) {
			// main's runtime.GC(), which publishes the scenarios'
			// allocations, may itself allocate in the runtime (seen once
			// in a CI run on a loaded machine: one sample, no frame
			// below main): that is the collector's, not a map's.
			continue
		}
		unannotated = append(unannotated, fmt.Sprintf("%v (%v)", s, belowLists(samples)))
	}
	sort.Strings(unannotated)
	for _, s := range unannotated {
		t.Errorf("%s: allocating line %s has no want annotation", v.Name, s)
	}

	// The allocs profile holds the same records with another default
	// sample type: the same user lines must allocate.
	allocs := userSamples(t, ReadProfile(t, v.Allocs), v.Trimpath)
	if len(allocs) != len(sites) {
		t.Errorf("%s: allocs profile has %d user lines, heap profile %d", v.Name, len(allocs), len(sites))
	}
}

// gcCallLines returns the lines of the corpus source that call
// runtime.GC.
func gcCallLines(t *testing.T) map[site]bool {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(SrcDir(), "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	lines := make(map[site]bool)
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if strings.TrimSpace(line) == "runtime.GC()" {
				lines[site{filepath.Base(name), i + 1}] = true
			}
		}
	}
	return lines
}

// runtimeOnly reports whether every sample allocated below its user
// frame in the runtime alone (no frame left below it).
func runtimeOnly(samples []userSample) bool {
	for _, us := range samples {
		if len(us.below) > 0 {
			return false
		}
	}
	return true
}

func belowLists(samples []userSample) [][]string {
	var out [][]string
	for _, s := range samples {
		out = append(out, s.below)
	}
	return out
}
