package funcname

import "testing"

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		fn, pkg, rest string
		ok            bool
	}{
		{"main.main", "main", "main", true},
		{"main.(*Server).login.func1", "main", "(*Server).login.func1", true},
		{"example.com/svc/store.(*Store).Put", "example.com/svc/store", "(*Store).Put", true},
		{"gopkg.in/yaml%2ev3.Unmarshal", "gopkg.in/yaml.v3", "Unmarshal", true},
		{"github.com/hashicorp/golang-lru/v2/simplelru.(*LRU[go.shape.string,go.shape.[]uint8]).Add",
			"github.com/hashicorp/golang-lru/v2/simplelru", "(*LRU[go.shape.string,go.shape.[]uint8]).Add", true},
		// A type argument naming another package must not move the split.
		{"example.com/a.F[example.com/b.T]", "example.com/a", "F[example.com/b.T]", true},
		{"internal/runtime/maps.(*table).split", "internal/runtime/maps", "(*table).split", true},
		{"0x4a1f20", "", "", false},
		{"", "", "", false},
	} {
		pkg, rest, ok := Split(tc.fn)
		if pkg != tc.pkg || rest != tc.rest || ok != tc.ok {
			t.Errorf("Split(%q) = %q, %q, %v; want %q, %q, %v", tc.fn, pkg, rest, ok, tc.pkg, tc.rest, tc.ok)
		}
	}
}

func TestIsStandard(t *testing.T) {
	for pkg, want := range map[string]bool{
		"runtime": true, "internal/runtime/maps": true, "encoding/json": true,
		"main": false, "command-line-arguments": false,
		"example.com/svc": false, "gopkg.in/yaml.v3": false,
	} {
		if got := IsStandard(pkg); got != want {
			t.Errorf("IsStandard(%q) = %v, want %v", pkg, got, want)
		}
	}
}

func TestShort(t *testing.T) {
	for fn, want := range map[string]string{
		"example.com/svc/store.(*Store).Put": "store.(*Store).Put",
		"main.main":                          "main.main",
		"gopkg.in/yaml%2ev3.Unmarshal":       "yaml.v3.Unmarshal",
		"example.com/a.F[example.com/b.T]":   "a.F[example.com/b.T]",
	} {
		if got := Short(fn); got != want {
			t.Errorf("Short(%q) = %q, want %q", fn, got, want)
		}
	}
}

func TestInModule(t *testing.T) {
	if !InModule("example.com/svc/store", "example.com/svc") || !InModule("example.com/svc", "example.com/svc") {
		t.Error("packages of the module not recognised")
	}
	if InModule("example.com/svcx", "example.com/svc") {
		t.Error("example.com/svcx taken for a package of example.com/svc")
	}
}

func TestGeneric(t *testing.T) {
	for fn, want := range map[string]string{
		"github.com/hashicorp/golang-lru/v2/simplelru.(*LRU[go.shape.string,go.shape.[]uint8]).Add": "github.com/hashicorp/golang-lru/v2/simplelru.(*LRU[...]).Add",
		"github.com/hashicorp/golang-lru/v2/simplelru.(*LRU[...]).Add":                              "github.com/hashicorp/golang-lru/v2/simplelru.(*LRU[...]).Add",
		"example.com/a.Map[go.shape.map[string]int].func1":                                          "example.com/a.Map[...].func1",
		"main.main":        "main.main",
		"main.f[int":       "main.f[int", // no closing bracket: left alone
		"slices.Sort[...]": "slices.Sort[...]",
	} {
		if got := Generic(fn); got != want {
			t.Errorf("Generic(%q) = %q, want %q", fn, got, want)
		}
	}
}
