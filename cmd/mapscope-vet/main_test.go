package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoVetVettool builds mapscope-vet and runs "go vet -vettool" with it
// on a small module, the way users run it.
func TestGoVetVettool(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary and runs go vet")
	}
	tool := filepath.Join(t.TempDir(), "mapscope-vet")
	build := exec.Command("go", "build", "-o", tool, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	vet := exec.Command("go", "vet", "-vettool="+tool, "./...")
	vet.Dir = filepath.Join("testdata", "mod")
	vet.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local")
	out, err := vet.CombinedOutput()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 1 {
		t.Fatalf("go vet -vettool: want exit status 1 for findings, got %v\n%s", err, out)
	}
	for _, want := range []string{
		"fill.go:8:9: map pos is made without a size hint but the loop below fills it len(names) times",
		"fill.go:17:2: deleting every key of registry keeps its memory",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("go vet output lacks %q:\n%s", want, out)
		}
	}
}

// TestFlagsListAnalyzers checks that the tool answers go vet's -flags
// query with the analyzers of the suite.
func TestFlagsListAnalyzers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	tool := filepath.Join(t.TempDir(), "mapscope-vet")
	if out, err := exec.Command("go", "build", "-o", tool, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(tool, "-flags").Output()
	if err != nil {
		t.Fatalf("mapscope-vet -flags: %v", err)
	}
	for _, name := range []string{`"mapprealloc"`, `"mapclear"`} {
		if !strings.Contains(string(out), name) {
			t.Errorf("-flags output lacks %s:\n%s", name, out)
		}
	}
}
