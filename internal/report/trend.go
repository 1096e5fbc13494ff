package report

import (
	"time"

	"github.com/mapscope/mapscope/internal/trend"
)

// Trend is the report of "mapscope trend" and "mapscope watch": a verdict
// per map site over a series of heap profile snapshots. Its JSON form
// extends the heap report's (docs/json.md).
type Trend struct {
	Schema   int      `json:"schema"`
	Command  string   `json:"command"` // "trend" or "watch"
	Target   string   `json:"target"`  // the directory, files or URL read
	Sample   string   `json:"sample"`  // "inuse"
	Evidence []string `json:"evidence"`

	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Snapshots int       `json:"snapshots"` // snapshots used
	// Skipped lists snapshots that could not be read, one line each
	// ("snap-0007.pb.gz: truncated gzip data").
	Skipped []string `json:"skipped,omitempty"`
	// Segments are the runs of the program the series covers: a new one
	// starts where the program restarted.
	Segments []Segment `json:"segments"`
	// Heap is the whole heap per snapshot, split into map and other bytes.
	Heap []HeapPoint `json:"heap"`

	// Sites are the map sites (and, apart, non-map sites that grow), most
	// worrying first: by verdict severity, then score, then growth rate.
	Sites    []TrendSite `json:"sites"`
	Warnings []string    `json:"warnings,omitempty"`
}

// A Segment is one run of the program within the series.
type Segment struct {
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Snapshots int       `json:"snapshots"`
	BuildID   string    `json:"build_id,omitempty"`
	// Why the segment starts: "first", or the restart's sign ("the
	// profile time went back", "another build ID").
	Cause string `json:"cause"`
}

// A HeapPoint is one snapshot's whole heap.
type HeapPoint struct {
	Time     time.Time `json:"time"`
	Bytes    int64     `json:"bytes"`     // all in-use bytes
	MapBytes int64     `json:"map_bytes"` // of which map storage
}

// A TrendSite is one site with its series and its verdict. The identity
// fields are those of a heap report's site.
type TrendSite struct {
	Function string   `json:"function"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Map      bool     `json:"map"`
	Kind     string   `json:"kind"`
	Expr     string   `json:"expr,omitempty"`
	Type     string   `json:"type,omitempty"`
	Evidence []string `json:"evidence"`
	Path     []string `json:"path,omitempty"`

	Verdict      trend.Verdict `json:"verdict"`
	Score        int           `json:"score"`
	Reason       string        `json:"reason"`
	FirstBytes   int64         `json:"first_bytes"`
	LastBytes    int64         `json:"last_bytes"`
	BytesPerHour float64       `json:"bytes_per_hour"` // Theil-Sen slope
	Fit          float64       `json:"fit"`            // 0..1
	P            float64       `json:"p"`              // Mann-Kendall two-sided p-value

	// Points is the series over the last segment, one per snapshot.
	Points []trend.Point `json:"points"`
	// Goroutines is the number of goroutines whose stacks pass through the
	// site's function, per snapshot, when goroutine profiles were read;
	// HeldByGoroutines says they keep growing with the map.
	Goroutines       []int `json:"goroutines,omitempty"`
	HeldByGoroutines bool  `json:"held_by_goroutines,omitempty"`

	Suggestion string `json:"suggestion,omitempty"`
}
