package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

// TestDistinctStacks runs a small generation and checks that every path
// through the call sites is a stack of its own: 16 + 256 paths at depth 2,
// each with at least two allocating lines (the map, the record).
func TestDistinctStacks(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs genprofile")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "genprofile")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "-heap", filepath.Join(dir, "heap.pb.gz"), "-n", "256", "-depth", "2").CombinedOutput()
	if err != nil {
		t.Fatalf("genprofile: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(\d+) distinct stacks`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("genprofile printed no stack count: %s", out)
	}
	stacks, _ := strconv.Atoi(string(m[1]))
	if want := 2 * (16 + 256); stacks < want {
		t.Errorf("%d distinct stacks, want at least %d:\n%s", stacks, want, out)
	}
}

func TestBadFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs genprofile")
	}
	bin := filepath.Join(t.TempDir(), "genprofile")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"-depth", "0"}, {"-n", "-1"}, {"-keep", "0"}} {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
			t.Errorf("genprofile %v: err = %v, want exit status 2\n%s", args, err, out)
		}
	}
}
