package mapprealloc_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/mapprealloc"
	"golang.org/x/tools/go/analysis/analysistest"
)

func TestAnalyzer(t *testing.T) {
	analysistest.RunWithSuggestedFixes(t, analysistest.TestData(), mapprealloc.Analyzer, "a", "quietmain", "servertest", "helpers", "fixtures", "internal/testutils/pick", "example.com/app/rules", "example.com/app/config", "examples/custom")
}
