package lab

import (
	"fmt"

	"github.com/mapscope/mapscope/internal/report"
)

func fmtBytes(f float64) string { return report.Bytes(int64(f)) }

// ratio returns a/b, or 0 when b is not positive (a child that measured
// nothing must not turn a verdict into a division by zero).
func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return a / b
}

func percent(a, b float64) string { return fmt.Sprintf("%.0f%%", 100*ratio(a, b)) }
