// Package model holds the exposures the publish service stores.
package model

import "time"

// Exposure is one published diagnosis key.
type Exposure struct {
	ExposureKey      []byte
	TransmissionRisk int
	Regions          []string
	IntervalNumber   int32
	IntervalCount    int32
	CreatedAt        time.Time
	LocalProvenance  bool
}

// TruncateWindow rounds t down to a multiple of d.
func TruncateWindow(t time.Time, d time.Duration) time.Time {
	return t.Truncate(d)
}
