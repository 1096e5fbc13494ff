// Package suite lists every mapscope analyzer, for drivers that run them
// together: mapscope lint, cmd/mapscope-vet and the golangci-lint plugin.
package suite

import (
	"github.com/mapscope/mapscope/passes/growonly"
	"github.com/mapscope/mapscope/passes/mapclear"
	"github.com/mapscope/mapscope/passes/mapprealloc"
	"github.com/mapscope/mapscope/passes/poolmap"
	"golang.org/x/tools/go/analysis"
)

// Analyzers holds the mapscope analyzers in the order their reports are
// documented in docs/lint.md.
var Analyzers = []*analysis.Analyzer{
	mapprealloc.Analyzer,
	mapclear.Analyzer,
	growonly.Analyzer,
	poolmap.Analyzer,
}
