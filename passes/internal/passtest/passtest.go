package passtest

import (
	"strings"
	"testing"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/packages"
)

// Valid checks what drivers rely on: a valid analyzer whose Doc, taken
// from doc.go, starts with a one-line lowercase summary without a final
// period. An analyzer without suggested fixes must say why in its Doc.
func Valid(t *testing.T, a *analysis.Analyzer, hasFixes bool) {
	t.Helper()
	if err := analysis.Validate([]*analysis.Analyzer{a}); err != nil {
		t.Fatal(err)
	}
	summary, rest, _ := strings.Cut(a.Doc, "\n")
	if !strings.HasPrefix(summary, "report ") || strings.HasSuffix(summary, ".") {
		t.Errorf("Doc summary = %q, want a lowercase line starting with \"report \" and no final period", summary)
	}
	if !hasFixes && !strings.Contains(rest, "suggested fix") {
		t.Errorf("Doc does not say why there is no suggested fix:\n%s", a.Doc)
	}
}

// StdSlice is the slice of the standard library the lint benchmarks use.
var StdSlice = []string{"net/http", "encoding/json", "go/types", "text/template"}

// BenchmarkStdlib measures analyzers on StdSlice, loaded once. Run it for
// inspect.Analyzer alone (BenchmarkInspectOnly) to see the AST index every
// analyzer shares.
func BenchmarkStdlib(b *testing.B, analyzers ...*analysis.Analyzer) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadSyntax}, StdSlice...)
	if err != nil {
		b.Fatalf("loading %v: %v", StdSlice, err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		b.Fatalf("loading %v: errors above", StdSlice)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := checker.Analyze(analyzers, pkgs, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspectOnly is BenchmarkStdlib of inspect.Analyzer alone.
func BenchmarkInspectOnly(b *testing.B) { BenchmarkStdlib(b, inspect.Analyzer) }
