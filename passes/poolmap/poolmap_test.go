package poolmap_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/poolmap"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), poolmap.Analyzer, "a", "b", "twopools", "wrapped")
}
