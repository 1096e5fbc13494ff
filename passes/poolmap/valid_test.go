package poolmap_test

import (
	"strings"
	"testing"

	"github.com/mapscope/mapscope/passes/poolmap"
	"golang.org/x/tools/go/analysis"
)

// TestAnalyzerValid checks what drivers rely on: a valid analyzer whose
// Doc, taken from doc.go, starts with the one-line summary.
func TestAnalyzerValid(t *testing.T) {
	a := poolmap.Analyzer
	if err := analysis.Validate([]*analysis.Analyzer{a}); err != nil {
		t.Fatal(err)
	}
	summary, rest, _ := strings.Cut(a.Doc, "\n")
	if !strings.HasPrefix(summary, "report ") || strings.HasSuffix(summary, ".") {
		t.Errorf("Doc summary = %q, want a lowercase line starting with \"report \" and no final period", summary)
	}
	if !strings.Contains(rest, "suggested fix") {
		t.Errorf("Doc does not say why there is no suggested fix:\n%s", a.Doc)
	}
}
