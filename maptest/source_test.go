package maptest

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSourceLookup covers what the source reader does when the source is
// not the plain case: a file that is gone, a -trimpath name found by its
// base name in the working directory, a line without a map, a file that
// does not parse.
func TestSourceLookup(t *testing.T) {
	dir := t.TempDir()
	src := `package p

type cache struct{ m map[string][]byte }

func (c *cache) put(k string) {
	c.m[k] = nil
	delete(c.m, "old")
}
`
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.go"), []byte("package p\nfunc {"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := sources{}
	got := s.lookup(filepath.Join(dir, "p.go"), 6, "grow")
	if got == nil || *got != (mapSource{expr: "c.m", typ: "map[string][]byte", slot: 40, deleted: 7}) {
		t.Errorf("lookup of c.m[k] = nil: %+v", got)
	}
	for _, c := range []struct {
		name string
		file string
		line int
	}{
		{"missing file", filepath.Join(dir, "gone.go"), 6},
		{"line without a map", filepath.Join(dir, "p.go"), 3},
		{"file that does not parse", filepath.Join(dir, "broken.go"), 2},
	} {
		if got := s.lookup(c.file, c.line, "grow"); got != nil {
			t.Errorf("%s: %+v, want nothing", c.name, got)
		}
	}
	// A -trimpath frame names the file relative to its module; go test
	// runs in the package's directory.
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	if got := (sources{}).lookup("example.com/p/p.go", 6, "grow"); got == nil || got.expr != "c.m" {
		t.Errorf("lookup by a module-relative name: %+v", got)
	}
}
