package srcline

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

// want is what a "// want:" comment in testdata expects of its line.
type want struct {
	file   string // relative to the module root
	line   int
	fn     string // profile function name: explicit or derived from the declaration
	ops    []Op   // Kind, Expr, Type, Hint, Callee ("" callee is not compared)
	loop   *Loop  // nil: not checked
	noLoop bool
	// sampled: a profile of the program must have a sample whose first
	// frame in the module is on this line.
	sampled bool
	untyped bool   // the file cannot be type-checked: Line.Typed must be false
	decl    string // Line.Func, when given
}

// readWants collects the "// want:" annotations of every Go file under
// root, read by heaptest as every test program's annotations are.
func readWants(t testing.TB, root, modPath string) []want {
	t.Helper()
	anns, err := heaptest.ReadAnnotations(root, modPath)
	if err != nil {
		t.Fatal(err)
	}
	var wants []want
	for _, a := range anns {
		w, err := parseWant(a.Tokens)
		if err != nil {
			t.Fatalf("%s:%d: %v", a.File, a.Line, err)
		}
		w.file, w.line = a.File, a.Line
		if w.fn == "" {
			name := "init"
			if a.Decl != nil {
				name = declName(a.Decl)
			}
			w.fn = a.Pkg + "." + name
		}
		wants = append(wants, w)
	}
	return wants
}

func parseWant(tokens []heaptest.Token) (want, error) {
	var w want
	toks := make([]string, len(tokens))
	for i, t := range tokens {
		toks[i] = t.Text
	}
	text := fmt.Sprint(toks)
	str := func(i int) (string, error) {
		if i >= len(toks) || !tokens[i].Quoted {
			return "", fmt.Errorf("want: expected a string at item %d in %q", i, text)
		}
		return toks[i], nil
	}
	for i := 0; i < len(toks); {
		switch word := toks[i]; word {
		case ";":
			i++
		case "none":
			i++
		case "noloop":
			w.noLoop = true
			i++
		case "untyped":
			w.untyped = true
			i++
		case "sampled":
			w.sampled = true
			i++
		case "loop":
			trips, err := str(i + 1)
			if err != nil {
				return w, err
			}
			w.loop = &Loop{KnownTrips: trips}
			i += 2
			if i < len(toks) && toks[i] == "once" {
				w.loop.InsertsOncePerIteration = true
				i++
			}
			if i < len(toks) && toks[i] == "local" {
				w.loop.LocalMap = true
				i++
			}
		case "func":
			d, err := str(i + 1)
			if err != nil {
				return w, err
			}
			w.decl = d
			i += 2
		case "fn":
			fn, err := str(i + 1)
			if err != nil {
				return w, err
			}
			w.fn = fn
			i += 2
		default:
			k := kindByName(word)
			if k == 0 {
				return w, fmt.Errorf("want: unknown word %q in %q", word, text)
			}
			expr, err := str(i + 1)
			if err != nil {
				return w, err
			}
			typ, err := str(i + 2)
			if err != nil {
				return w, err
			}
			op := Op{Kind: k, Expr: expr, Type: typ}
			i += 3
			for i+1 < len(toks) && (toks[i] == "hint" || toks[i] == "callee") {
				v, err := str(i + 1)
				if err != nil {
					return w, err
				}
				if toks[i] == "hint" {
					op.Hint = v
				} else {
					op.Callee = v
				}
				i += 2
			}
			w.ops = append(w.ops, op)
		}
	}
	return w, nil
}

func kindByName(s string) Kind {
	for k := MapAssign; k <= MapMethod; k++ {
		if k.String() == s {
			return k
		}
	}
	return 0
}

// checkLine compares a Lookup result with a want.
func checkLine(t *testing.T, w want, got *Line) {
	t.Helper()
	if got.Path != w.file {
		t.Errorf("%s:%d: Path = %q", w.file, w.line, got.Path)
	}
	if w.decl != "" && got.Func != w.decl {
		t.Errorf("%s:%d: Func = %q, want %q", w.file, w.line, got.Func, w.decl)
	}
	if len(got.Ops) != len(w.ops) {
		t.Errorf("%s:%d: got %d ops %s, want %d %s", w.file, w.line, len(got.Ops), fmtOps(got.Ops), len(w.ops), fmtOps(w.ops))
		return
	}
	for i, g := range got.Ops {
		e := w.ops[i]
		if g.Kind != e.Kind || g.Expr != e.Expr || g.Type != e.Type || g.Hint != e.Hint || (e.Callee != "" && g.Callee != e.Callee) {
			t.Errorf("%s:%d: op %d = %s, want %s", w.file, w.line, i, fmtOps([]Op{g}), fmtOps([]Op{e}))
		}
		if g.Col < 1 {
			t.Errorf("%s:%d: op %d has column %d", w.file, w.line, i, g.Col)
		}
	}
	switch {
	case w.noLoop && got.Loop != nil:
		t.Errorf("%s:%d: Loop = %+v, want none", w.file, w.line, *got.Loop)
	case w.loop != nil && got.Loop == nil:
		t.Errorf("%s:%d: no Loop, want %+v", w.file, w.line, *w.loop)
	case w.loop != nil:
		if got.Loop.KnownTrips != w.loop.KnownTrips || got.Loop.InsertsOncePerIteration != w.loop.InsertsOncePerIteration ||
			got.Loop.LocalMap != w.loop.LocalMap {
			t.Errorf("%s:%d: Loop = %+v, want trips %q once %v local %v", w.file, w.line, *got.Loop, w.loop.KnownTrips, w.loop.InsertsOncePerIteration, w.loop.LocalMap)
		}
		if got.Loop.Line >= w.line || got.Loop.Line < 1 {
			t.Errorf("%s:%d: Loop.Line = %d", w.file, w.line, got.Loop.Line)
		}
	}
}

func fmtOps(ops []Op) string {
	var b strings.Builder
	b.WriteString("[")
	for i, o := range ops {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %q %q", o.Kind, o.Expr, o.Type)
		if o.Hint != "" {
			fmt.Fprintf(&b, " hint %q", o.Hint)
		}
		if o.Callee != "" {
			fmt.Fprintf(&b, " callee %q", o.Callee)
		}
	}
	b.WriteString("]")
	return b.String()
}

// skipNested returns filepath.SkipDir for directories of nested modules
// (testdata/mod/third_party/yaml stands in for gopkg.in/yaml.v3).
func skipNested(root, p string, d os.DirEntry) error {
	if !d.IsDir() || p == root {
		return nil
	}
	if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
		return filepath.SkipDir
	}
	return nil
}
