// Package report turns attributed profiles into what mapscope prints: a
// model built once (New...) and then written as text or JSON (Write...).
// The JSON form is documented in docs/json.md; its field names are a
// contract with scripts and dashboards.
package report

import (
	"github.com/mapscope/mapscope/internal/heap"

	"fmt"
	"path/filepath"
	"strings"
)

// Schema is the version of the JSON output. Adding fields keeps it;
// renaming or removing one bumps it.
const Schema = 1

// Heap is the report of "mapscope heap".
type Heap struct {
	Schema   int      `json:"schema"`
	Command  string   `json:"command"` // "heap"
	Profile  string   `json:"profile"`
	Base     string   `json:"base,omitempty"`
	Sample   string   `json:"sample"`   // "inuse" or "alloc"
	Evidence []string `json:"evidence"` // what was available: "stack", "binary", "source"

	TotalBytes   int64            `json:"total_bytes"`
	TotalObjects int64            `json:"total_objects"`
	MapBytes     int64            `json:"map_bytes"`
	MapObjects   int64            `json:"map_objects"`
	MapShare     float64          `json:"map_share"` // MapBytes / TotalBytes, 0..1
	ByKind       map[string]int64 `json:"by_kind"`

	// With -base, the same figures of the base profile.
	BaseTotalBytes *int64 `json:"base_total_bytes,omitempty"`
	BaseMapBytes   *int64 `json:"base_map_bytes,omitempty"`

	Sites    []Site   `json:"sites"`
	Warnings []string `json:"warnings,omitempty"`
}

// Site is one source site of a heap report.
type Site struct {
	Function string   `json:"function"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Map      bool     `json:"map"`  // the bytes are map storage
	Kind     string   `json:"kind"` // grow, make, clone, reflect, syncmap, nonmap, unknown
	Evidence []string `json:"evidence"`
	Expr     string   `json:"expr,omitempty"` // the map as written in the source, "s.sessions"
	Type     string   `json:"type,omitempty"` // "map[string]*Session"
	Bytes    int64    `json:"bytes"`
	Objects  int64    `json:"objects"`
	Samples  int      `json:"samples"`
	Share    float64  `json:"share"` // Bytes / TotalBytes, 0..1

	BaseBytes  *int64 `json:"base_bytes,omitempty"`  // with -base
	DeltaBytes *int64 `json:"delta_bytes,omitempty"` // with -base: Bytes - BaseBytes

	Path       []string `json:"path,omitempty"` // user frame -> packages -> allocating function
	Suggestion string   `json:"suggestion,omitempty"`
	Note       string   `json:"note,omitempty"`

	// Facts links the lab's measurements (docs/facts.md) the suggestion
	// rests on.
	Facts []string `json:"facts,omitempty"`

	// Owner is set when the map is a library's own, reached from this
	// site's line: the library line whose source names Expr and Type.
	Owner *Owner `json:"owner,omitempty"`
}

// An Owner is the library line a site's map belongs to.
type Owner struct {
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Module   string `json:"module,omitempty"` // "" for the standard library
	Version  string `json:"version,omitempty"`
}

// ownerOf converts the analysis' owner.
func ownerOf(o *heap.Owner) *Owner {
	if o == nil {
		return nil
	}
	return &Owner{Function: o.Function, File: o.File, Line: o.Line, Module: o.Module, Version: o.Version}
}

// Position returns "file:line" with the file shortened for display.
func (s *Site) Position() string {
	return fmt.Sprintf("%s:%d", shortFile(s.File), s.Line)
}

// shortFile trims a build machine's absolute path to its last three
// elements, which is what a reader needs to find the file.
func shortFile(f string) string {
	f = filepath.ToSlash(f)
	parts := strings.Split(f, "/")
	if len(parts) <= 4 {
		return f
	}
	return ".../" + strings.Join(parts[len(parts)-3:], "/")
}

// Bytes formats n with binary units, as pprof does.
func Bytes(n int64) string {
	neg := ""
	if n < 0 {
		neg, n = "-", -n
	}
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%s%.2f GiB", neg, float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%s%.1f MiB", neg, float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%s%.1f KiB", neg, float64(n)/(1<<10))
	}
	return fmt.Sprintf("%s%d B", neg, n)
}

// Percent formats a 0..1 share.
func Percent(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// factNames returns the experiment names of fact links, which
// "mapscope lab NAME..." runs.
func factNames(links []string) []string {
	out := make([]string, len(links))
	for i, l := range links {
		_, out[i], _ = strings.Cut(l, "#")
	}
	return out
}
