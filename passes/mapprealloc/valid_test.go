package mapprealloc_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/internal/passtest"
	"github.com/mapscope/mapscope/passes/mapprealloc"
)

func TestAnalyzerValid(t *testing.T) { passtest.Valid(t, mapprealloc.Analyzer, true) }
