package mapclear_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/mapclear"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), mapclear.Analyzer, "a")
}
