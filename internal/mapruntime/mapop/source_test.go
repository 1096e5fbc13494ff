package mapop

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

// toolchains are the Go releases whose runtime sources the table is
// checked against: one of each minor version mapscope reads.
var toolchains = []string{"go1.21.13", "go1.22.12", "go1.23.12", "go1.24.13", "go1.25.14", "local", "go1.27.4"}

// TestTableAgainstSources reads the map code of each toolchain's runtime
// and checks the table both ways: every name exists, under the name the
// linker gives it, in exactly the versions the table claims, and every
// map function of those versions is either in the table or in inner,
// the helpers that inherit their caller's operation. A new Go release
// that adds or renames a map function fails here until it is classified.
func TestTableAgainstSources(t *testing.T) {
	if testing.Short() {
		t.Skip("reads the sources of several toolchains")
	}
	for _, tc := range toolchains {
		t.Run(tc, func(t *testing.T) {
			testenv.NeedToolchain(t, tc)
			root, minor := goroot(t, tc)
			syms := mapSymbols(t, root)
			if len(syms) < 100 {
				t.Fatalf("only %d map functions found in %s: the source layout changed", len(syms), root)
			}
			for _, e := range entries {
				in := e.from <= minor && minor <= e.to
				_, found := syms[e.name]
				switch {
				case in && !found:
					t.Errorf("%s (%s, Go 1.%d-1.%d) is not defined by Go 1.%d", e.name, e.op, e.from, e.to, minor)
				case !in && found:
					t.Errorf("%s (%s) is defined by Go 1.%d (%s), outside the claimed 1.%d-1.%d", e.name, e.op, minor, syms[e.name], e.from, e.to)
				}
			}
			var unknown []string
			for name, file := range syms {
				if _, ok := table[name]; !ok && !inner[name] {
					unknown = append(unknown, name+" ("+file+")")
				}
			}
			slices.Sort(unknown)
			for _, u := range unknown {
				t.Errorf("Go 1.%d defines %s: classify it in entries or list it in inner", minor, u)
			}
		})
	}
}

// goroot returns the GOROOT of toolchain tc and its minor version.
func goroot(t *testing.T, tc string) (string, int) {
	t.Helper()
	cmd := exec.Command(testenv.GoCommand(t), "env", "GOROOT", "GOVERSION")
	cmd.Env = testenv.GoEnv(tc)
	cmd.Dir = os.TempDir()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go env with GOTOOLCHAIN=%s: %v", tc, err)
	}
	lines := strings.Fields(string(out))
	if len(lines) < 2 {
		t.Fatalf("go env GOROOT GOVERSION: %q", out)
	}
	m := regexp.MustCompile(`^go1\.(\d+)`).FindStringSubmatch(lines[1])
	if m == nil {
		t.Fatalf("GOVERSION %q", lines[1])
	}
	minor, _ := strconv.Atoi(m[1])
	return lines[0], minor
}

// mapSymbols returns the map functions a GOROOT's sources define, as
// profiles spell them, with the file that defines each: every function of
// internal/runtime/maps and runtime/map*.go, the hash functions of
// runtime/alg.go and runtime/hash*.go, the linkname shims, reflect's own
// map iteration, and the assembly hash functions.
func mapSymbols(t *testing.T, root string) map[string]string {
	t.Helper()
	src := filepath.Join(root, "src")
	syms := make(map[string]string)
	goFiles := []struct {
		glob, pkg string
		keep      func(name string) bool
	}{
		{"runtime/map*.go", "runtime", all},
		{"runtime/linkname_swiss.go", "runtime", all},
		{"runtime/linkname_shim.go", "runtime", all},
		{"runtime/alg.go", "runtime", hashName},
		{"runtime/hash*.go", "runtime", all},
		{"internal/runtime/maps/*.go", "internal/runtime/maps", all},
		{"reflect/map*.go", "reflect", func(name string) bool { return strings.HasPrefix(name, "map") }},
	}
	for _, g := range goFiles {
		files, _ := filepath.Glob(filepath.Join(src, g.glob))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			rel, _ := filepath.Rel(src, f)
			for name := range goSymbols(t, f, g.pkg, g.keep) {
				syms[name] = rel
			}
		}
	}
	asm, _ := filepath.Glob(filepath.Join(src, "runtime/asm_amd64.s"))
	more, _ := filepath.Glob(filepath.Join(src, "internal/runtime/maps/*_amd64.s"))
	for _, f := range append(asm, more...) {
		rel, _ := filepath.Rel(src, f)
		pkg := "runtime"
		if strings.HasPrefix(rel, "internal/runtime/maps") {
			pkg = "internal/runtime/maps"
		}
		for _, name := range asmHashSymbols(t, f, pkg) {
			syms[name] = rel
		}
	}
	return syms
}

func all(string) bool { return true }

func hashName(name string) bool { return strings.Contains(strings.ToLower(name), "hash") }

var linkname = regexp.MustCompile(`(?m)^//go:linkname (\S+) (\S+)`)

// goSymbols lists the functions a file declares, renamed as a
// //go:linkname push of a function of the file renames them.
func goSymbols(t *testing.T, file, pkg string, keep func(string) bool) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parser.ParseFile(token.NewFileSet(), file, data, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	renamed := make(map[string]string)
	for _, m := range linkname.FindAllStringSubmatch(string(data), -1) {
		renamed[m[1]] = m[2]
	}
	out := make(map[string]bool)
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || !keep(fd.Name.Name) {
			continue
		}
		if fd.Recv == nil {
			if to, ok := renamed[fd.Name.Name]; ok {
				out[to] = true
				continue
			}
			out[pkg+"."+fd.Name.Name] = true
			continue
		}
		out[pkg+"."+receiver(fd.Recv.List[0].Type)+"."+fd.Name.Name] = true
	}
	return out
}

// receiver spells a method's receiver as function names do: "(*table)",
// "ctrlGroup".
func receiver(e ast.Expr) string {
	star := false
	if s, ok := e.(*ast.StarExpr); ok {
		star, e = true, s.X
	}
	switch x := e.(type) {
	case *ast.IndexExpr:
		e = x.X
	case *ast.IndexListExpr:
		e = x.X
	}
	name := e.(*ast.Ident).Name
	if star {
		return "(*" + name + ")"
	}
	return name
}

var textLine = regexp.MustCompile(`(?m)^TEXT\s+([^(]+)\(SB\)`)

// asmHashSymbols lists the hash functions an assembly file defines:
// "runtime·memhash<ABIInternal>" is runtime.memhash, "·memHashAES" in
// internal/runtime/maps is internal/runtime/maps.memHashAES, and a static
// "aeshashbody<>" is "aeshashbody", as profiles show it.
func asmHashSymbols(t *testing.T, file, pkg string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range textLine.FindAllStringSubmatch(string(data), -1) {
		name := m[1]
		if !hashName(name) {
			continue
		}
		static := strings.HasSuffix(name, "<>")
		if i := strings.IndexByte(name, '<'); i >= 0 {
			name = name[:i]
		}
		name = strings.ReplaceAll(name, "∕", "/")
		switch {
		case static:
		case strings.HasPrefix(name, "·"):
			name = pkg + "." + strings.TrimPrefix(name, "·")
		default:
			name = strings.ReplaceAll(name, "·", ".")
		}
		out = append(out, name)
	}
	return out
}
