package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/mapscope/mapscope/internal/cpuprof"
	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
)

// Ops is time per map operation, in seconds.
type Ops struct {
	Lookup  float64 `json:"lookup"`
	Assign  float64 `json:"assign"`
	Grow    float64 `json:"grow"`
	Delete  float64 `json:"delete"`
	Clear   float64 `json:"clear"`
	Iterate float64 `json:"iterate"`
	Hash    float64 `json:"hash"`
	Make    float64 `json:"make"`
	Clone   float64 `json:"clone"`
}

func opsOf(t *cpuprof.Times) Ops {
	s := func(op mapop.Op) float64 { return seconds(t[op]) }
	return Ops{
		Lookup: s(mapop.Lookup), Assign: s(mapop.Assign), Grow: s(mapop.Grow), Delete: s(mapop.Delete),
		Clear: s(mapop.Clear), Iterate: s(mapop.Iterate), Hash: s(mapop.Hash), Make: s(mapop.Make), Clone: s(mapop.Clone),
	}
}

// seconds converts nanoseconds to seconds, to the microsecond.
func seconds(nanos int64) float64 { return math.Round(float64(nanos)/1e3) / 1e6 }

// ratio returns a/b to four decimals, 0 when b is 0.
func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return math.Round(float64(a)/float64(b)*1e4) / 1e4
}

// CPU is the report of "mapscope cpu".
type CPU struct {
	Schema   int      `json:"schema"`
	Command  string   `json:"command"` // "cpu"
	Profile  string   `json:"profile"`
	Evidence []string `json:"evidence"` // "stack", and "binary", "source" when given

	DurationSeconds float64 `json:"duration_seconds"` // the time the profile covers
	TotalSeconds    float64 `json:"total_seconds"`    // CPU time of all samples
	Samples         int64   `json:"samples"`
	MapSeconds      float64 `json:"map_seconds"` // CPU time in map code
	MapShare        float64 `json:"map_share"`   // MapSeconds / TotalSeconds
	Ops             Ops     `json:"ops"`         // MapSeconds per operation

	Sites    []CPUSite `json:"sites"`
	Warnings []string  `json:"warnings,omitempty"`
}

// CPUSite is a line of the user's code with the CPU time its map calls
// cost. The trace report's sites add the mark assists.
type CPUSite struct {
	Function   string   `json:"function"`
	File       string   `json:"file"`
	Line       int      `json:"line"`
	Seconds    float64  `json:"seconds"`    // CPU time of every map operation at the site
	Share      float64  `json:"share"`      // Seconds / the profile's total_seconds
	Ops        Ops      `json:"ops"`        // Seconds per operation
	GrowShare  float64  `json:"grow_share"` // Ops.Grow / Seconds
	Samples    int      `json:"samples"`
	Calls      string   `json:"calls"`          // the map function the site calls
	Path       []string `json:"path,omitempty"` // site -> packages -> Calls, when it passes through others
	Foreign    bool     `json:"foreign,omitempty"`
	Expr       string   `json:"expr,omitempty"` // with -source: the map as written
	Type       string   `json:"type,omitempty"`
	LoopLine   int      `json:"loop_line,omitempty"`  // with -source: the loop around the site
	LoopTrips  string   `json:"loop_trips,omitempty"` // its trip count, known before it starts
	Suggestion string   `json:"suggestion,omitempty"`
}

// CPUInput is what NewCPU builds a report from.
type CPUInput struct {
	Profile  string
	Result   *cpuprof.Result
	Evidence []string
	Warnings []string
}

// NewCPU builds the cpu report.
func NewCPU(in CPUInput) *CPU {
	r := in.Result
	c := &CPU{
		Schema:          Schema,
		Command:         "cpu",
		Profile:         in.Profile,
		Evidence:        in.Evidence,
		DurationSeconds: seconds(r.Duration),
		TotalSeconds:    seconds(r.Total),
		Samples:         r.Samples,
		MapSeconds:      seconds(r.Map.Total()),
		MapShare:        ratio(r.Map.Total(), r.Total),
		Ops:             opsOf(&r.Map),
		Warnings:        in.Warnings,
		Sites:           []CPUSite{},
	}
	withSource := hasEvidence(in.Evidence, "source")
	for _, s := range r.Sites {
		c.Sites = append(c.Sites, cpuSite(s, r.Total, withSource))
	}
	return c
}

func hasEvidence(ev []string, e string) bool {
	for _, x := range ev {
		if x == e {
			return true
		}
	}
	return false
}

func cpuSite(s *cpuprof.Site, total int64, withSource bool) CPUSite {
	t := s.CPU.Total()
	return CPUSite{
		Function:   s.Function,
		File:       s.File,
		Line:       s.Line,
		Seconds:    seconds(t),
		Share:      ratio(t, total),
		Ops:        opsOf(&s.CPU),
		GrowShare:  ratio(s.CPU[mapop.Grow], t),
		Samples:    s.Samples,
		Calls:      s.Entry,
		Path:       s.Path,
		Foreign:    s.Foreign,
		Expr:       s.Expr,
		Type:       s.Type,
		LoopLine:   s.LoopLine,
		LoopTrips:  s.LoopTrips,
		Suggestion: cpuprof.Suggest(s, withSource),
	}
}

// WriteJSON writes the report as indented JSON.
func (c *CPU) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c)
}

// WriteText writes the human report: the totals, the time per operation,
// then the top sites.
func (c *CPU) WriteText(w io.Writer, top int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s of CPU in %s", c.Profile, Duration(c.TotalSeconds), Duration(c.DurationSeconds))
	fmt.Fprintf(&b, "; map code %s (%s)\n", Duration(c.MapSeconds), Percent(c.MapShare))
	fmt.Fprintf(&b, "evidence: %s\n", strings.Join(c.Evidence, ", "))
	if c.MapSeconds > 0 {
		fmt.Fprintf(&b, "  by operation: %s\n", opsText(c.Ops, ""))
	}
	for _, warn := range c.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", warn)
	}
	if len(c.Sites) == 0 {
		b.WriteString("\nno CPU time in map code in this profile\n")
	} else {
		b.WriteString("\ntop map sites by CPU time:\n")
	}
	for i := range c.Sites {
		if i == top {
			break
		}
		writeCPUSite(&b, i+1, &c.Sites[i], "")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeCPUSite writes one site; extra follows the figures (the trace's
// assists).
func writeCPUSite(b *strings.Builder, n int, s *CPUSite, extra string) {
	if s.Samples == 0 && extra != "" {
		// A trace site with assists and no CPU samples.
		fmt.Fprintf(b, "%2d. no CPU samples%s", n, extra)
	} else {
		fmt.Fprintf(b, "%2d. %s  %s of CPU", n, Duration(s.Seconds), Percent(s.Share))
		if s.Ops.Grow > 0 {
			fmt.Fprintf(b, ", growth %s", Percent(s.GrowShare))
		}
		b.WriteString(extra)
	}
	if s.Expr != "" {
		fmt.Fprintf(b, "  %s", s.Expr)
	}
	if s.Type != "" {
		fmt.Fprintf(b, "  %s", s.Type)
	}
	fmt.Fprintf(b, "\n    %s  %s:%d", s.Function, shortFile(s.File), s.Line)
	if s.Foreign {
		b.WriteString("  (not your code)")
	}
	b.WriteString("\n")
	if ops := opsText(s.Ops, s.Calls); ops != "" {
		fmt.Fprintf(b, "    %s\n", ops)
	}
	if len(s.Path) > 1 {
		fmt.Fprintf(b, "    via %s\n", strings.Join(s.Path, " -> "))
	}
	if s.Suggestion != "" {
		fmt.Fprintf(b, "    -> %s\n", s.Suggestion)
	}
}

// opsText lists the operations with time, largest first: "grow 1.20 s,
// assign 310 ms"; with calls, it says what the site called.
func opsText(o Ops, calls string) string {
	type op struct {
		name string
		sec  float64
	}
	all := []op{
		{"lookup", o.Lookup}, {"assign", o.Assign}, {"grow", o.Grow}, {"delete", o.Delete},
		{"clear", o.Clear}, {"iterate", o.Iterate}, {"hash", o.Hash}, {"make", o.Make}, {"clone", o.Clone},
	}
	var parts []string
	for len(all) > 0 {
		best := 0
		for i := range all {
			if all[i].sec > all[best].sec {
				best = i
			}
		}
		if all[best].sec <= 0 {
			break
		}
		parts = append(parts, all[best].name+" "+Duration(all[best].sec))
		all = append(all[:best], all[best+1:]...)
	}
	s := strings.Join(parts, ", ")
	if calls != "" && s != "" {
		s += " (in " + calls + ")"
	}
	return s
}

// Duration formats seconds for reading: "1.23 s", "456 ms", "7.8 ms",
// "120 µs", "0".
func Duration(sec float64) string {
	switch a := math.Abs(sec); {
	case a == 0:
		return "0"
	case a >= 100:
		return fmt.Sprintf("%.0f s", sec)
	case a >= 1:
		return fmt.Sprintf("%.2f s", sec)
	case a >= 0.1:
		return fmt.Sprintf("%.0f ms", sec*1e3)
	case a >= 0.001:
		return fmt.Sprintf("%.1f ms", sec*1e3)
	}
	return fmt.Sprintf("%.0f µs", sec*1e6)
}
