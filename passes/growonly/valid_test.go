package growonly_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/growonly"
	"github.com/mapscope/mapscope/passes/internal/passtest"
)

func TestAnalyzerValid(t *testing.T) { passtest.Valid(t, growonly.Analyzer, false) }
