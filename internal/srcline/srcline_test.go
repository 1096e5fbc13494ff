package srcline

import (
	"errors"
	"path/filepath"
	"sync"
	"testing"
)

const testModule = "example.com/svc"

var (
	sharedOnce sync.Once
	sharedTree *Tree
	sharedErr  error
)

// testTree opens testdata/mod once for the whole test binary, so that its
// packages are loaded once.
func testTree(t testing.TB) *Tree {
	t.Helper()
	sharedOnce.Do(func() { sharedTree, sharedErr = Open(filepath.Join("testdata", "mod")) })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return sharedTree
}

func TestOpen(t *testing.T) {
	tr := testTree(t)
	if got := tr.ModulePath(); got != testModule {
		t.Errorf("ModulePath = %q, want %q", got, testModule)
	}
	if _, err := Open(t.TempDir()); !errors.Is(err, ErrNoModule) {
		t.Errorf("Open(empty dir) = %v, want ErrNoModule", err)
	}
}

// TestWants checks every "// want:" comment of testdata/mod, looking each
// line up the way a -trimpath profile names it.
func TestWants(t *testing.T) {
	tr := testTree(t)
	wants := readWants(t, filepath.Join("testdata", "mod"), testModule)
	if len(wants) < 40 {
		t.Fatalf("only %d want comments found", len(wants))
	}
	for _, w := range wants {
		got, err := tr.Lookup(w.fn, testModule+"/"+w.file, w.line)
		if err != nil {
			t.Errorf("%s:%d: Lookup(%q): %v", w.file, w.line, w.fn, err)
			continue
		}
		if got.Typed == w.untyped {
			t.Errorf("%s:%d: Typed = %v", w.file, w.line, got.Typed)
		}
		checkLine(t, w, got)
	}
}

// TestWantsFromSource repeats TestWants with dependencies type-checked
// from source rather than export data.
func TestWantsFromSource(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the standard library from source")
	}
	tr, err := OpenWith(filepath.Join("testdata", "mod"), Options{FromSource: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range readWants(t, filepath.Join("testdata", "mod"), testModule) {
		got, err := tr.Lookup(w.fn, testModule+"/"+w.file, w.line)
		if err != nil {
			t.Errorf("%s:%d: Lookup(%q): %v", w.file, w.line, w.fn, err)
			continue
		}
		checkLine(t, w, got)
	}
}
