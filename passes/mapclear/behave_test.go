package mapclear_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mapscope/mapscope/passes/mapclear"
	"golang.org/x/tools/go/analysis/analysistest"
)

// TestFixedProgramBehavesTheSame applies the fixes to a real program (the
// golden file is what the fixes produce, checked by analysistest), then
// builds and runs the program before and after and compares the output.
func TestFixedProgramBehavesTheSame(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs two programs")
	}
	dir := filepath.Join(analysistest.TestData(), "src", "behave")
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), mapclear.Analyzer, "behave")

	before := runProgram(t, filepath.Join(dir, "main.go"))
	after := runProgram(t, filepath.Join(dir, "main.go.golden"))
	if before != after {
		t.Errorf("output changed by the fixes:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if len(before) == 0 {
		t.Error("the program printed nothing")
	}
}

// runProgram copies src to a fresh directory as main.go, runs it with
// "go run" and returns its standard output.
func runProgram(t *testing.T, src string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.go"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module behave\n\ngo 1.23\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("go run %s: %v\n%s", src, err, stderr)
	}
	return string(out)
}
