package mapwatch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// DumpRule says when the watcher writes a heap profile and a JSON summary
// to Dir (WithDump). Map memory is the larger of the bytes of the watched
// maps and the in-use bytes of all map sites in the heap profile (the
// sampler sees every map, mapstats sees the watched ones exactly).
type DumpRule struct {
	// Dir receives mapscope-<time>-heap.pb.gz and mapscope-<time>.json.
	Dir string
	// AboveBytes dumps when map memory reaches it; 0 disables.
	AboveBytes int64
	// Growth dumps when map memory reaches Growth times its smallest value
	// within Window (e.g. 2 for a doubling); 0 disables, else it must be
	// above 1.
	Growth float64
	// Window is the period Growth compares against; default 10m.
	Window time.Duration
	// MinBytes keeps the Growth rule quiet while map memory is below it.
	MinBytes int64
	// Cooldown is the least time between two dumps; default 30m.
	Cooldown time.Duration
}

// WithDump turns on the dump policy, evaluated at every poll. The JSON
// summary's format is documented in docs/mapwatch.md and versioned by its
// "schema" field. It panics on a rule without Dir, with neither AboveBytes
// nor Growth, or with a negative field or a Growth of 1 or less.
func WithDump(rule DumpRule) Option {
	r := rule
	name := fmt.Sprintf("WithDump(%+v)", rule)
	var problem string
	switch {
	case r.Dir == "":
		problem = "Dir is empty"
	case r.AboveBytes < 0 || r.MinBytes < 0 || r.Window < 0 || r.Cooldown < 0 || r.Growth < 0:
		problem = "a field is negative"
	case r.Growth != 0 && r.Growth <= 1:
		problem = "Growth must be above 1 (2 dumps on a doubling)"
	case r.AboveBytes == 0 && r.Growth == 0:
		problem = "neither AboveBytes nor Growth is set: the rule never dumps"
	}
	if problem != "" {
		panic("mapwatch: " + name + ": " + problem)
	}
	if r.Window == 0 {
		r.Window = 10 * time.Minute
	}
	if r.Cooldown == 0 {
		r.Cooldown = 30 * time.Minute
	}
	return newOption(name, func(c *config) { c.dump = &r })
}

type observation struct {
	t     time.Time
	bytes int64
}

type dumper struct {
	rule DumpRule

	mu       sync.Mutex
	history  []observation
	lastDump time.Time
}

func newDumper(rule DumpRule) *dumper { return &dumper{rule: rule} }

// summary is the JSON document written next to each dumped profile. Its
// format is documented in docs/mapwatch.md; a change to it is a new
// schema number.
type summary struct {
	Schema   int           `json:"schema"`
	Time     time.Time     `json:"time"`
	Reason   string        `json:"reason"`
	MapBytes int64         `json:"map_bytes"`
	Profile  string        `json:"profile"`
	Maps     []summaryMap  `json:"maps"`
	Sites    []summarySite `json:"sites"`
}

const summarySchema = 1

type summaryMap struct {
	Name             string `json:"name"`
	Entries          int    `json:"entries"`
	CapacitySlots    int    `json:"capacity_slots"`
	Bytes            int64  `json:"bytes"`
	ReclaimableBytes int64  `json:"reclaimable_bytes"`
	PeakEntries      int    `json:"peak_entries"`
	Error            string `json:"error,omitempty"`
}

// summarySite is one map allocation site, a source line, named as in
// mapscope's JSON output.
type summarySite struct {
	Function     string `json:"function"`
	File         string `json:"file"`
	Line         int    `json:"line"`
	Map          bool   `json:"map"`
	Kind         string `json:"kind"`
	InUseBytes   int64  `json:"inuse_bytes"`
	InUseObjects int64  `json:"inuse_objects"`
}

// observe records map memory and dumps when the rule says so.
func (d *dumper) observe(now time.Time, registered int64, sites siteSample, maps []Map) error {
	value := max(registered, sites.total)
	d.mu.Lock()
	defer d.mu.Unlock()
	cut := 0
	for cut < len(d.history) && now.Sub(d.history[cut].t) > d.rule.Window {
		cut++
	}
	d.history = append(d.history[cut:], observation{now, value})
	if !d.lastDump.IsZero() && now.Sub(d.lastDump) < d.rule.Cooldown {
		return nil
	}
	reason := d.reason(value)
	if reason == "" {
		return nil
	}
	d.lastDump = now
	return writeDump(d.rule.Dir, now, reason, value, sites, maps)
}

func (d *dumper) reason(value int64) string {
	r := d.rule
	if r.AboveBytes > 0 && value >= r.AboveBytes {
		return fmt.Sprintf("map memory %d bytes >= %d", value, r.AboveBytes)
	}
	if r.Growth > 0 && value >= r.MinBytes && len(d.history) > 1 {
		low := d.history[0].bytes
		for _, o := range d.history {
			low = min(low, o.bytes)
		}
		if low > 0 && float64(value) >= r.Growth*float64(low) {
			return fmt.Sprintf("map memory grew from %d to %d bytes (x%.2f >= x%.2f) within %s",
				low, value, float64(value)/float64(low), r.Growth, r.Window)
		}
	}
	return ""
}

// dumpSites is how many source lines a summary lists, largest first.
const dumpSites = 50

func writeDump(dir string, now time.Time, reason string, value int64, sites siteSample, maps []Map) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("mapwatch: creating dump directory: %w", err)
	}
	stamp := now.UTC().Format("20060102T150405.000Z")
	profileName := "mapscope-" + stamp + "-heap.pb.gz"
	var prof bytes.Buffer
	if err := WriteHeapProfile(&prof); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, profileName), prof.Bytes()); err != nil {
		return err
	}
	sum := summary{Schema: summarySchema, Time: now.UTC(), Reason: reason, MapBytes: value, Profile: profileName,
		Maps: []summaryMap{}, Sites: []summarySite{}}
	for _, m := range maps {
		sm := summaryMap{Name: m.Name, Entries: m.Stats.Len, CapacitySlots: m.Stats.Capacity,
			Bytes: m.Stats.Bytes, ReclaimableBytes: m.Stats.Reclaimable(), PeakEntries: m.Peak}
		if m.Err != nil {
			sm.Error = m.Err.Error()
		}
		sum.Maps = append(sum.Maps, sm)
	}
	for _, u := range sites.lines[:min(len(sites.lines), dumpSites)] {
		sum.Sites = append(sum.Sites, summarySite{Function: u.Function, File: u.File, Line: u.Line,
			Map: true, Kind: string(u.Kind), InUseBytes: u.InUseBytes, InUseObjects: u.InUseObjects})
	}
	js, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return fmt.Errorf("mapwatch: encoding dump summary: %w", err)
	}
	return writeFileAtomic(filepath.Join(dir, "mapscope-"+stamp+".json"), append(js, '\n'))
}

// writeFileAtomic writes through a temporary file in the same directory
// and renames it, so a reader never sees half a dump.
func writeFileAtomic(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".mapscope-*.tmp")
	if err != nil {
		return fmt.Errorf("mapwatch: writing %s: %w", name, err)
	}
	_, werr := f.Write(data)
	cerr := f.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("mapwatch: writing %s: %w", name, err)
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("mapwatch: writing %s: %w", name, err)
	}
	return nil
}
