package srcline

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/pprof/profile"
)

// goTool returns the go command, or skips (fails under MAPSCOPE_CI=1).
func goTool(t *testing.T) string {
	t.Helper()
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		if gobin, err = exec.LookPath("go"); err != nil {
			if os.Getenv("MAPSCOPE_CI") == "1" {
				t.Fatal("go command not found")
			}
			t.Skip("go command not found")
		}
	}
	return gobin
}

// allocProfile builds testdata/mod/cmd/alloc with the extra build flags,
// runs it with every allocation sampled and returns its profile.
func allocProfile(t *testing.T, toolchain string, buildFlags ...string) *profile.Profile {
	t.Helper()
	gobin := goTool(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "alloc")
	args := append([]string{"build", "-o", bin}, buildFlags...)
	args = append(args, "./cmd/alloc")
	build := exec.Command(gobin, args...)
	build.Dir = filepath.Join("testdata", "mod")
	if toolchain == "" {
		toolchain = "local"
	}
	build.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOTOOLCHAIN="+toolchain)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	prof := filepath.Join(dir, "allocs.pb.gz")
	run := exec.Command(bin, prof)
	run.Env = append(os.Environ(), "GODEBUG=memprofilerate=1")
	if out, err := run.CombinedOutput(); err != nil {
		t.Fatalf("running alloc: %v\n%s", err, out)
	}
	f, err := os.Open(prof)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("parsing %s: %v", prof, err)
	}
	return p
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
	if testing.Short() && os.Getenv("MAPSCOPE_CI") != "1" {
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
