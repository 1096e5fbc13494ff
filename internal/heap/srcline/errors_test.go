package srcline

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const storeFile = testModule + "/internal/store/store.go"

// lineOfText finds the line of the first occurrence of text in a testdata file.
func lineOfText(t *testing.T, rel, text string) int {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "mod", filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, text) {
			return i + 1
		}
	}
	t.Fatalf("%s: no line with %q", rel, text)
	return 0
}

func TestLookupErrors(t *testing.T) {
	tr := testTree(t)
	put := lineOfText(t, "internal/store/store.go", "s.sessions[id] = sess")
	fill := lineOfText(t, "cmd/alloc/main.go", "m[i] = i // want: mapassign \"m\" \"map[int]int\"; loop \"n\" once local sampled")
	otherMain := lineOfText(t, "cmd/other/main.go", `m["x"] = 1`)
	const storePut = testModule + "/internal/store.(*Store).Put"
	for _, tc := range []struct {
		name     string
		fn, file string
		line     int
		want     error // nil: success
		wantPath string
	}{
		{"trimpath", storePut, storeFile, put, nil, "internal/store/store.go"},
		{"other machine", storePut, "/home/ci/src/svc/internal/store/store.go", put, nil, "internal/store/store.go"},
		{"windows path", storePut, `C:\build\svc\internal\store\store.go`, put, nil, "internal/store/store.go"},
		{"no function check", "", storeFile, put, nil, "internal/store/store.go"},
		{"main by suffix", "main.fill", "/tmp/build/cmd/alloc/main.go", fill, nil, "cmd/alloc/main.go"},
		{"main by function", "main.fill", "command-line-arguments/main.go", fill, nil, "cmd/alloc/main.go"},
		{"main by longer suffix", "main.main", "/elsewhere/cmd/other/main.go", otherMain, nil, "cmd/other/main.go"},
		{"main ambiguous", "main.main", "command-line-arguments/main.go", otherMain, ErrAmbiguous, ""},
		{"main unknown function", "main.nosuch", "command-line-arguments/main.go", 3, ErrMismatch, ""},
		{"std frame", "encoding/json.Unmarshal", "/usr/local/go/src/encoding/json/decode.go", 100, ErrNotInTree, ""},
		{"std frame with tree base name", "runtime.mallocgc", "/usr/local/go/src/runtime/store.go", 10, ErrNotInTree, ""},
		{"other module", "github.com/x/y.F", "github.com/x/y@v1.2.3/store.go", 10, ErrNotInTree, ""},
		{"missing trimpath file", storePut, testModule + "/internal/store/gone.go", 1, ErrNotInTree, ""},
		{"missing package file", storePut, "/build/internal/store/gone.go", 1, ErrNotInTree, ""},
		{"not a go file", storePut, testModule + "/internal/store/", 1, ErrNotInTree, ""},
		{"line zero", storePut, storeFile, 0, ErrLineOutOfRange, ""},
		{"negative line", storePut, storeFile, -5, ErrLineOutOfRange, ""},
		{"past EOF", storePut, storeFile, 100000, ErrLineOutOfRange, ""},
		{"line outside function", storePut, storeFile, 1, ErrMismatch, ""},
		{"function not in file", testModule + "/internal/store.(*Store).Vanished", storeFile, put, ErrMismatch, ""},
		{"function of another package", testModule + "/cmd/other.main", storeFile, put, ErrMismatch, ""},
		{"main function in a library file", "main.main", storeFile, put, ErrMismatch, ""},
		{"unparsable function", "nodot", storeFile, put, ErrMismatch, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tr.Lookup(tc.fn, tc.file, tc.line)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Lookup(%q, %q, %d): %v", tc.fn, tc.file, tc.line, err)
				}
				if got.Path != tc.wantPath {
					t.Errorf("Path = %q, want %q", got.Path, tc.wantPath)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Lookup(%q, %q, %d) = %v, want %v", tc.fn, tc.file, tc.line, err, tc.want)
			}
			if got != nil {
				t.Errorf("Lookup returned a Line with error %v", err)
			}
			if !strings.Contains(err.Error(), filepath.Base(strings.ReplaceAll(tc.file, `\`, "/"))) && tc.file != testModule+"/internal/store/" {
				t.Errorf("error %q does not name the file", err)
			}
		})
	}
}

// TestStaleTree looks up a profile's frames in checkouts that do not match
// it: a line that moved, a function renamed away, a file removed.
func TestStaleTree(t *testing.T) {
	put := lineOfText(t, "internal/store/store.go", "s.sessions[id] = sess")
	const fn = testModule + "/internal/store.(*Store).Put"
	dir := copyTree(t, filepath.Join("testdata", "mod"))
	storePath := filepath.Join(dir, "internal", "store", "store.go")
	src, err := os.ReadFile(storePath)
	if err != nil {
		t.Fatal(err)
	}
	write := func(data string) {
		t.Helper()
		if err := os.WriteFile(storePath, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// The line moved: 40 lines of comment pushed Put down, so the profile's
	// line now falls outside it.
	write(strings.Repeat("// moved\n", 40) + string(src))
	tr, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Lookup(fn, storeFile, put); !errors.Is(err, ErrMismatch) {
		t.Errorf("moved line: %v, want ErrMismatch", err)
	}
	if got, err := tr.Lookup(fn, storeFile, put+40); err != nil || len(got.Ops) != 1 || got.Ops[0].Kind != MapAssign {
		t.Errorf("moved line at its new place: %+v, %v", got, err)
	}

	// The function is gone.
	write(strings.Replace(string(src), "func (s *Store) Put(", "func (s *Store) Insert(", 1))
	if tr, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Lookup(fn, storeFile, put); !errors.Is(err, ErrMismatch) {
		t.Errorf("renamed function: %v, want ErrMismatch", err)
	}

	// The file is gone.
	if err := os.Remove(storePath); err != nil {
		t.Fatal(err)
	}
	if tr, err = Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Lookup(fn, storeFile, put); !errors.Is(err, ErrNotInTree) {
		t.Errorf("removed file: %v, want ErrNotInTree", err)
	}
	if _, err := tr.Lookup(fn, "/build/internal/store/store.go", put); !errors.Is(err, ErrNotInTree) {
		t.Errorf("removed file by absolute path: %v, want ErrNotInTree", err)
	}
}

// TestBrokenSource checks that a file that does not parse or type-check
// still answers without panicking.
func TestBrokenSource(t *testing.T) {
	dir := copyTree(t, filepath.Join("testdata", "mod"))
	broken := "package store\n\nfunc Broken(m map[string]int) {\n\tm[\"a\"] = undefinedThing\n\tx := make(map[int]int, 3\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "internal", "store", "broken.go"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	tr, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for line := 1; line <= 6; line++ {
		if _, err := tr.Lookup(testModule+"/internal/store.Broken", testModule+"/internal/store/broken.go", line); err != nil && !errors.Is(err, ErrMismatch) {
			t.Errorf("line %d: %v", line, err)
		}
	}
	// Other files of the package still type-check well enough.
	put := lineOfText(t, "internal/store/store.go", "s.sessions[id] = sess")
	got, err := tr.Lookup(testModule+"/internal/store.(*Store).Put", storeFile, put)
	if err != nil || len(got.Ops) != 1 || got.Ops[0].Kind != MapAssign {
		t.Errorf("Put in a package with a broken file: %+v, %v", got, err)
	}
}

func TestOpenNoModuleLine(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("go 1.23\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); !errors.Is(err, ErrNoModule) {
		t.Errorf("Open without module line: %v", err)
	}
}

func FuzzLookup(f *testing.F) {
	put := 0
	if data, err := os.ReadFile(filepath.Join("testdata", "mod", "internal", "store", "store.go")); err == nil {
		for i, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, "s.sessions[id] = sess") {
				put = i + 1
			}
		}
	}
	f.Add(testModule+"/internal/store.(*Store).Put", storeFile, put)
	f.Add("main.main.func1", "command-line-arguments/main.go", 60)
	f.Add("main.build[...]", "/x/cmd/alloc/main.go", 70)
	f.Add(testModule+"/internal/store.init.0", storeFile, 40)
	f.Add("main.map.init.0", "cmd/alloc/main.go", 21)
	f.Add("(*).[", "[", -1)
	f.Add("a/b%2ec.(*T[...]).M.func1.2-range3", `C:\a\b.go`, 1<<30)
	f.Fuzz(func(t *testing.T, fn, file string, line int) {
		tr := testTree(t)
		got, err := tr.Lookup(fn, file, line)
		if (got == nil) == (err == nil) {
			t.Fatalf("Lookup(%q, %q, %d) = %v, %v", fn, file, line, got, err)
		}
		if err == nil && (got.Line != line || got.Path == "") {
			t.Fatalf("Lookup(%q, %q, %d) = %+v", fn, file, line, got)
		}
	})
}

// TestEveryLine looks up every line of every testdata file, without and
// with a function name, concurrently: no panic, no race, and every line
// inside the file answers.
func TestEveryLine(t *testing.T) {
	tr := testTree(t)
	root := filepath.Join("testdata", "mod")
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := skipNested(root, p, d); err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		file := testModule + "/" + filepath.ToSlash(rel)
		n := strings.Count(string(data), "\n")
		t.Run(filepath.ToSlash(rel), func(t *testing.T) {
			t.Parallel()
			for line := 1; line <= n+1; line++ {
				got, err := tr.Lookup("", file, line)
				if line == n+1 {
					if !errors.Is(err, ErrLineOutOfRange) {
						t.Errorf("line %d past the end: %v", line, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("line %d: %v", line, err)
					continue
				}
				// The name of the declaration found must lead back to it.
				if got.Func == "" || got.Func == "init" {
					continue
				}
				fn := "main." + got.Func
				if pkgDir := filepath.ToSlash(filepath.Dir(rel)); !strings.HasPrefix(pkgDir, "cmd/") {
					fn = testModule + "/" + pkgDir + "." + got.Func
				}
				if _, err := tr.Lookup(fn, file, line); err != nil {
					t.Errorf("line %d with %s: %v", line, fn, err)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNoGoCommand: without the go command, lookups fall back to syntax and
// say why.
func TestNoGoCommand(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	tr, err := Open(filepath.Join("testdata", "mod"))
	if err != nil {
		t.Fatal(err)
	}
	line := lineOfText(t, "internal/store/store.go", `b := make(map[string]int, n)`)
	got, err := tr.Lookup(testModule+"/internal/store.Literals", storeFile, line)
	if err != nil {
		t.Fatal(err)
	}
	if got.Typed || got.LoadErr == nil {
		t.Errorf("Typed = %v, LoadErr = %v; want untyped with an error", got.Typed, got.LoadErr)
	}
	if len(got.Ops) != 1 || got.Ops[0].Kind != MapMake || got.Ops[0].Hint != "n" || got.Ops[0].Type != "map[string]int" {
		t.Errorf("Ops = %s, want the make from syntax", fmtOps(got.Ops))
	}
}

// TestPartialModuleList: a module of the build list whose go.mod is not in
// the module cache (the go command runs without the network) does not keep
// the source of the libraries that are there from being read, and is
// reported. Seen on a program using k8s.io/apimachinery@v0.32.13, whose
// build list names modules the program never builds: "mapscope cpu
// -source" named no map inside the library, and said nothing.
func TestPartialModuleList(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":     "module example.com/partial\n\ngo 1.23\n\nrequire (\n\texample.com/lib v1.0.0\n\texample.com/notcached v1.0.0\n)\n\nreplace example.com/lib => ./lib\n",
		"go.sum":     "example.com/notcached v1.0.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"main.go":    "package main\n\nimport \"example.com/lib\"\n\nfunc main() { lib.Fill(map[int]int{}, 10) }\n",
		"lib/go.mod": "module example.com/lib\n\ngo 1.23\n",
		"lib/lib.go": "package lib\n\nfunc Fill(m map[int]int, n int) {\n\tfor i := 0; i < n; i++ {\n\t\tm[i] = i\n\t}\n}\n",
	}
	for name, text := range files {
		if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tr, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := tr.ForPackage("example.com/lib")
	if err != nil {
		t.Fatalf("ForPackage: %v", err)
	}
	l, err := lib.Lookup("example.com/lib.Fill", filepath.Join(dir, "lib", "lib.go"), 5)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if len(l.Ops) != 1 || l.Ops[0].Kind != MapAssign || l.Ops[0].Expr != "m" {
		t.Errorf("ops %+v, want mapassign m", l.Ops)
	}
	if err := tr.DepsError(); err == nil || !strings.Contains(err.Error(), "example.com/notcached@v1.0.0") {
		t.Errorf("DepsError = %v, want it to name example.com/notcached@v1.0.0", err)
	}
}
