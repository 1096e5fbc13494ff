package mapclear_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/internal/passtest"
	"github.com/mapscope/mapscope/passes/mapclear"
)

func TestAnalyzerValid(t *testing.T) { passtest.Valid(t, mapclear.Analyzer, true) }
