package poolmap_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/internal/passtest"
	"github.com/mapscope/mapscope/passes/poolmap"
)

// BenchmarkPoolmapStdlib measures the analyzer alone on a slice of the
// standard library, loaded once; compare with BenchmarkInspectOnly, the
// AST index every analyzer shares.
func BenchmarkPoolmapStdlib(b *testing.B) { passtest.BenchmarkStdlib(b, poolmap.Analyzer) }

func BenchmarkInspectOnly(b *testing.B) { passtest.BenchmarkInspectOnly(b) }
