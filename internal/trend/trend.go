// Package trend decides, from a series of snapshots of one map site, whether
// the site leaks: a robust growth rate that sampling noise and churn do not
// fool, a test of whether there is a trend at all, and a verdict with a
// score and a one-line reason.
package trend

import "time"

// A Point is one snapshot's figures for a site.
type Point struct {
	Time    time.Time `json:"time"`
	Bytes   int64     `json:"bytes"` // in-use bytes, as the profile estimates them
	Objects int64     `json:"objects"`
}

// Verdict is what a series says about its site.
type Verdict string

const (
	Leak      Verdict = "leak"      // keeps climbing at a steady pace to the end of the series
	Growing   Verdict = "growing"   // rises, but slowly or slowing down (a bounded cache's creep)
	Plateau   Verdict = "plateau"   // rose (in a jump or early on) and then stayed flat
	Stable    Verdict = "stable"    // no trend beyond noise
	Shrinking Verdict = "shrinking" // falls
)

// Verdicts lists the verdicts from the most to the least worrying, the
// order reports sort by.
var Verdicts = []Verdict{Leak, Growing, Plateau, Shrinking, Stable}

// Severity ranks v for sorting: Leak highest.
func Severity(v Verdict) int {
	for i, w := range Verdicts {
		if v == w {
			return len(Verdicts) - i
		}
	}
	return 0
}

// An Assessment is the verdict on one series, with its evidence.
type Assessment struct {
	Verdict Verdict
	// Score is the confidence in Verdict, 0 to 100.
	Score int
	// Reason says in one line why, with figures: "rose 38 MiB in 2h at a
	// steady 19 MiB/h (Mann-Kendall p < 0.001, 40 snapshots)".
	Reason string

	// SlopePerHour is the Theil-Sen growth rate in bytes per hour.
	SlopePerHour float64
	// Tau is Kendall's rank correlation of bytes with time (-1 to 1), and
	// P the two-sided p-value of the Mann-Kendall test for a trend.
	Tau, P float64
	// Fit is the fit quality of the line through the series, 0 to 1: the
	// share of the variance the Theil-Sen line explains.
	Fit float64
	// First and Last are the bytes at the first and last snapshot; Min
	// and Max over the series.
	First, Last, Min, Max int64
}
