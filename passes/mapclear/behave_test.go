package mapclear_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/internal/passtest"
	"github.com/mapscope/mapscope/passes/mapclear"
)

// TestFixedProgramBehavesTheSame: the fixes applied to a real program keep
// its output.
func TestFixedProgramBehavesTheSame(t *testing.T) {
	passtest.SameBehaviour(t, mapclear.Analyzer)
}
