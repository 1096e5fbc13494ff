package poolmap_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/poolmap"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/packages"
)

// stdSlice is the slice of the standard library the lint benchmarks use.
var stdSlice = []string{"net/http", "encoding/json", "go/types", "text/template"}

// BenchmarkPoolmapStdlib measures the analyzer alone on a slice of the
// standard library, loaded once; compare with BenchmarkInspectOnly, the
// AST index every analyzer shares.
func BenchmarkPoolmapStdlib(b *testing.B) {
	benchmarkAnalyzers(b, poolmap.Analyzer)
}

func BenchmarkInspectOnly(b *testing.B) {
	benchmarkAnalyzers(b, inspect.Analyzer)
}

func benchmarkAnalyzers(b *testing.B, analyzers ...*analysis.Analyzer) {
	pkgs, err := packages.Load(&packages.Config{Mode: packages.LoadSyntax}, stdSlice...)
	if err != nil {
		b.Fatalf("loading %v: %v", stdSlice, err)
	}
	if packages.PrintErrors(pkgs) > 0 {
		b.Fatalf("loading %v: errors above", stdSlice)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := checker.Analyze(analyzers, pkgs, nil); err != nil {
			b.Fatal(err)
		}
	}
}
