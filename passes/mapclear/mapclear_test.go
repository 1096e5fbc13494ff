package mapclear_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/mapclear"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), mapclear.Analyzer, "a")
}

// TestOneByOne covers map fields of long-lived values emptied one key at
// a time, and clear on them.
func TestOneByOne(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), mapclear.Analyzer, "churn")
}
