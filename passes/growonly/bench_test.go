package growonly_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/growonly"
	"github.com/mapscope/mapscope/passes/internal/passtest"
)

// BenchmarkGrowonlyStdlib measures the analyzer alone on a slice of the
// standard library, loaded once; compare with BenchmarkInspectOnly, the
// AST index every analyzer shares.
func BenchmarkGrowonlyStdlib(b *testing.B) { passtest.BenchmarkStdlib(b, growonly.Analyzer) }

func BenchmarkInspectOnly(b *testing.B) { passtest.BenchmarkInspectOnly(b) }
