package poolmap_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/internal/passtest"
	"github.com/mapscope/mapscope/passes/poolmap"
)

func TestAnalyzerValid(t *testing.T) { passtest.Valid(t, poolmap.Analyzer, false) }
