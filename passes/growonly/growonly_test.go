package growonly_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/growonly"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), growonly.Analyzer, "a", "lib", "user", "app")
}
