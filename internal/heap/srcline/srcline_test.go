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
	// A directory inside the module means the module, as for the go command.
	sub, err := Open(filepath.Join("testdata", "mod", "cmd", "alloc"))
	if err != nil {
		t.Fatalf("Open(package dir): %v", err)
	}
	if want, _ := filepath.Abs(filepath.Join("testdata", "mod")); sub.Root() != want || sub.ModulePath() != testModule {
		t.Errorf("Open(package dir): root %s, module %s; want %s, %s", sub.Root(), sub.ModulePath(), want, testModule)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing")); err == nil || errors.Is(err, ErrNoModule) {
		t.Errorf("Open(missing dir) = %v, want an error saying it does not exist", err)
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

// TestWantsFromSource repeats TestWants with the dependencies
// type-checked from source (their function bodies dropped) rather than
// read from export data, as on a cold build cache: every answer must be
// the same.
func TestWantsFromSource(t *testing.T) {
	tr, err := OpenWith(filepath.Join("testdata", "mod"), Options{FromSource: true})
	if err != nil {
		t.Fatal(err)
	}
	wants := readWants(t, filepath.Join("testdata", "mod"), testModule)
	var frames []Frame
	for _, w := range wants {
		frames = append(frames, Frame{Func: w.fn, File: testModule + "/" + w.file})
	}
	tr.Preload(frames) // one load, as heap does
	n := 0
	for _, w := range wants {
		n++
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
	if n < 40 {
		t.Fatalf("only %d want comments found", n)
	}
}
