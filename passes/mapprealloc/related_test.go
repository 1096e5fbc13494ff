package mapprealloc_test

import (
	"go/ast"
	"go/token"
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/mapscope/mapscope/passes/mapprealloc"
)

// TestFilledHere checks that every finding of a loop's fill names the
// inserts as related positions, each the start of an assignment to an
// index (m[k] = v, the field's insert in a method that does only that) or
// of a call of reflect's SetMapIndex: mapscope lint -profile looks up the
// growth a CPU profile charges to those lines (through reflect for the
// latter), and drops a finding that names none.
func TestFilledHere(t *testing.T) {
	results := analysistest.Run(t, analysistest.TestData(), mapprealloc.Analyzer, "a")
	n := 0
	for _, r := range results {
		fset := r.Pass.Fset
		inserts := make(map[token.Pos]bool)
		for _, f := range r.Pass.Files {
			ast.Inspect(f, func(n ast.Node) bool {
				if as, ok := n.(*ast.AssignStmt); ok && len(as.Lhs) == 1 {
					if _, ok := ast.Unparen(as.Lhs[0]).(*ast.IndexExpr); ok {
						inserts[as.Pos()] = true
					}
				}
				if es, ok := n.(*ast.ExprStmt); ok {
					if call, ok := es.X.(*ast.CallExpr); ok {
						if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "SetMapIndex" {
							inserts[es.Pos()] = true
						}
					}
				}
				return true
			})
		}
		for _, d := range r.Diagnostics {
			if !strings.Contains(d.Message, "the loop below fills it") {
				continue
			}
			n++
			if len(d.Related) == 0 {
				t.Errorf("%s: %q names no insert", fset.Position(d.Pos), d.Message)
				continue
			}
			for _, rel := range d.Related {
				if !strings.HasSuffix(rel.Message, " is filled here") || !inserts[rel.Pos] {
					t.Errorf("%s: related %s %q, want an insert", fset.Position(d.Pos), fset.Position(rel.Pos), rel.Message)
				}
			}
		}
	}
	if n == 0 {
		t.Fatal("no fill finding in testdata/src/a")
	}
}
