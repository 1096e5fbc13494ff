package srcline

import (
	"errors"
	"path/filepath"
	"strings"
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

// TestWantsFromSource repeats TestWants for cmd/other, a package with few
// dependencies, with them type-checked from source rather than read from
// export data.
func TestWantsFromSource(t *testing.T) {
	tr, err := OpenWith(filepath.Join("testdata", "mod"), Options{FromSource: true})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, w := range readWants(t, filepath.Join("testdata", "mod"), testModule) {
		if !strings.HasPrefix(w.file, "cmd/other/") {
			continue
		}
		n++
		got, err := tr.Lookup(w.fn, testModule+"/"+w.file, w.line)
		if err != nil {
			t.Errorf("%s:%d: Lookup(%q): %v", w.file, w.line, w.fn, err)
			continue
		}
		if !got.Typed {
			t.Errorf("%s:%d: not type-checked", w.file, w.line)
		}
		checkLine(t, w, got)
	}
	if n == 0 {
		t.Fatal("no want comments in cmd/other")
	}
}
