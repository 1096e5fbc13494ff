// Package passtest holds the checks every mapscope analyzer's tests share:
// fixes that keep a program's behaviour, a valid analyzer with a Doc in the
// x/tools style, and a benchmark on a slice of the standard library.
package passtest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/analysistest"
)

// SameBehaviour checks that fixes keep behaviour: a fix that compiles but
// changes what the program does is worse than no fix. It applies a's fixes to the program in testdata/src/behave
// (RunWithSuggestedFixes checks them against main.go.golden), then builds
// and runs the program before and after and compares the output.
func SameBehaviour(t *testing.T, a *analysis.Analyzer) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs two programs")
	}
	dir := filepath.Join(analysistest.TestData(), "src", "behave")
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), a, "behave")

	before := run(t, filepath.Join(dir, "main.go"))
	after := run(t, filepath.Join(dir, "main.go.golden"))
	if before != after {
		t.Errorf("output changed by the fixes:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if len(before) == 0 {
		t.Error("the program printed nothing")
	}
}

// run copies src to a fresh directory as main.go, runs it with "go run"
// and returns its standard output.
func run(t *testing.T, src string) string {
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
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			stderr = ee.Stderr
		}
		t.Fatalf("go run %s: %v\n%s", src, err, stderr)
	}
	return string(out)
}
