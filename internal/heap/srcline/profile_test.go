package srcline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
	"github.com/mapscope/mapscope/internal/heap/heaptest"
	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

// allocProfile builds testdata/mod/cmd/alloc with the extra build flags,
// runs it with every allocation sampled and returns its profile.
func allocProfile(t *testing.T, toolchain string, buildFlags ...string) *profile.Profile {
	t.Helper()
	prog := heaptest.Program{Dir: filepath.Join("testdata", "mod"), Pkg: "./cmd/alloc"}
	exe := prog.Build(t, toolchain, "", []string{"GOFLAGS=-mod=mod -buildvcs=false"}, buildFlags...)
	return heaptest.RunForProfile(t, exe, []string{"GODEBUG=memprofilerate=1"})
}

// frameKey names a frame's place in the tree.
type frameKey struct {
	path string
	line int
}

// lookupProfile looks up every frame of every sample. Frames of the module
// must resolve (no mismatch, whatever their position in the stack); for
// each sample, the first frame in the module is recorded with what Lookup
// found there.
func lookupProfile(t *testing.T, tr *Tree, p *profile.Profile) map[frameKey]*Line {
	t.Helper()
	firsts := map[frameKey]*Line{}
	checked := map[string]bool{}
	resolved := 0
	for _, s := range p.Sample {
		first := true
		for _, loc := range s.Location {
			for _, ln := range loc.Line { // innermost (inlined) frame first
				if ln.Function == nil {
					continue
				}
				key := fmt.Sprintf("%s\x00%s\x00%d", ln.Function.Name, ln.Function.Filename, ln.Line)
				got, err := tr.Lookup(ln.Function.Name, ln.Function.Filename, int(ln.Line))
				if errors.Is(err, ErrNotInTree) {
					continue
				}
				if err != nil {
					if !checked[key] {
						t.Errorf("Lookup(%q, %q, %d): %v", ln.Function.Name, ln.Function.Filename, ln.Line, err)
					}
					checked[key] = true
					continue
				}
				checked[key] = true
				resolved++
				if first {
					firsts[frameKey{got.Path, got.Line}] = got
					first = false
				}
			}
		}
	}
	if resolved == 0 {
		t.Fatal("no frame of the profile resolved in the tree")
	}
	return firsts
}

// checkSampled asserts that every "sampled" want line of the module starts
// a sample and that Lookup, given the profile's own names, finds the wanted
// operations there.
func checkSampled(t *testing.T, firsts map[frameKey]*Line) {
	t.Helper()
	n := 0
	for _, w := range readWants(t, filepath.Join("testdata", "mod"), testModule) {
		if !w.sampled {
			continue
		}
		n++
		got, ok := firsts[frameKey{w.file, w.line}]
		if !ok {
			t.Errorf("%s:%d: no sample starts at this line", w.file, w.line)
			continue
		}
		checkLine(t, w, got)
	}
	if n < 5 {
		t.Fatalf("only %d sampled want lines", n)
	}
}

func TestProfileFrames(t *testing.T) {
	if testing.Short() && !testenv.InCI() {
		t.Skip("builds and runs a program")
	}
	type build struct {
		name, toolchain string
		flags           []string
	}
	builds := []build{
		{"abspath", "", nil},
		{"trimpath", "", []string{"-trimpath"}},
	}
	// SRCLINE_TOOLCHAINS="go1.23.12 go1.24.13" also checks the frame names
	// of older compilers (the toolchains come through the module proxy).
	for _, tc := range strings.Fields(os.Getenv("SRCLINE_TOOLCHAINS")) {
		builds = append(builds, build{tc, tc, []string{"-trimpath"}})
	}
	for _, tc := range builds {
		t.Run(tc.name, func(t *testing.T) {
			p := allocProfile(t, tc.toolchain, tc.flags...)
			checkSampled(t, lookupProfile(t, testTree(t), p))
			if tc.name == "abspath" {
				// The same profile against a checkout elsewhere: absolute
				// paths of the build machine must map by package and suffix.
				moved, err := Open(copyTree(t, filepath.Join("testdata", "mod")))
				if err != nil {
					t.Fatal(err)
				}
				// Load every package of the profile in one go command run.
				moved.Preload(profileFrames(p))
				for _, dir := range []string{"cmd/alloc", "internal/store"} {
					if moved.pkgs[dir] == nil || len(moved.pkgs[dir].files) == 0 {
						t.Errorf("Preload did not load %s", dir)
					}
				}
				if moved.pkgs["cmd/alloc"] != moved.pkgs["internal/store"] {
					t.Errorf("Preload loaded the packages separately")
				}
				checkSampled(t, lookupProfile(t, moved, p))
			}
		})
	}
}

// copyTree copies a directory tree into a new temporary directory.
func copyTree(t testing.TB, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "checkout")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func profileFrames(p *profile.Profile) []Frame {
	var frames []Frame
	for _, f := range p.Function {
		frames = append(frames, Frame{Func: f.Name, File: f.Filename})
	}
	return frames
}
