package heaptest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

// A Program is a Go program that a test builds and profiles: a main
// package in a module of its own.
type Program struct {
	Dir string // the module root
	Pkg string // the main package, relative to Dir ("." or "./cmd/alloc")
}

// WriteProgram writes a module with the given go.mod, go.sum (may be
// empty) and main.go into a new temporary directory.
func WriteProgram(t testing.TB, gomod, gosum, mainGo string) Program {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"go.mod": gomod, "main.go": mainGo}
	if gosum != "" {
		files["go.sum"] = gosum
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Program{Dir: dir, Pkg: "."}
}

// Build builds the program with toolchain ("" or "local" for the go
// command's own, else fetched through the module proxy) and extra go
// command environment and flags, into outDir (a temporary directory when
// empty), and returns the executable. A toolchain or module that cannot be
// fetched is testenv.Missing.
func (p Program) Build(t testing.TB, toolchain, outDir string, env []string, flags ...string) string {
	t.Helper()
	testenv.NeedToolchain(t, toolchain)
	if outDir == "" {
		outDir = t.TempDir()
	}
	exe := filepath.Join(outDir, "prog")
	args := append(append([]string{"build", "-o", exe}, flags...), p.Pkg)
	cmd := exec.Command(testenv.GoCommand(t), args...)
	cmd.Dir = p.Dir
	cmd.Env = testenv.GoEnv(toolchain, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "dial tcp") || strings.Contains(string(out), "proxy.golang.org") {
			testenv.Missing(t, "go build cannot fetch from the module proxy: %s", out)
		}
		t.Fatalf("go %s (toolchain %s): %v\n%s", strings.Join(args, " "), toolchain, err, out)
	}
	return exe
}

// RunForProfile runs exe with args and, last, the name of a file to write
// a profile to; it returns the profile the program wrote. env is added to
// the program's environment (GODEBUG=memprofilerate=1, say).
func RunForProfile(t testing.TB, exe string, env []string, args ...string) *profile.Profile {
	t.Helper()
	out := filepath.Join(t.TempDir(), "profile.pb.gz")
	cmd := exec.Command(exe, append(args, out)...)
	cmd.Env = append(os.Environ(), env...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("running %s: %v\n%s", exe, err, msg)
	}
	return ReadProfile(t, out)
}

// ReadProfile parses the profile in file.
func ReadProfile(t testing.TB, file string) *profile.Profile {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		t.Fatalf("parsing %s: %v", file, err)
	}
	return p
}
