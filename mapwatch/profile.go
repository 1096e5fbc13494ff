package mapwatch

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/mapruntime/mapsite"
)

// WriteHeapProfile writes the current heap as a gzipped pprof protobuf
// with the sample types of /debug/pprof/heap (alloc_objects, alloc_space,
// inuse_objects, inuse_space). Unlike runtime/pprof it keeps the runtime
// and internal/runtime/maps frames of every stack, and it labels map
// storage samples with map_kind (grow, make, clone, reflect, syncmap), so
// go tool pprof and mapscope heap see exactly which bytes are maps.
//
// Like /debug/pprof/heap, it reflects the heap as of the last completed
// garbage collection.
func WriteHeapProfile(w io.Writer) error {
	p, err := heapProfile(mapsite.ReadMemProfile(nil), runtime.MemProfileRate, mapsite.NewClassifier())
	if err != nil {
		return err
	}
	if err := p.Write(w); err != nil {
		return fmt.Errorf("mapwatch: writing heap profile: %w", err)
	}
	return nil
}

// HeapProfileHandler serves WriteHeapProfile's profile. The query
// parameter gc=1 runs a garbage collection first, as /debug/pprof/heap does.
func HeapProfileHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if gc, _ := strconv.Atoi(r.FormValue("gc")); gc > 0 {
			runtime.GC()
		}
		var buf bytes.Buffer
		if err := WriteHeapProfile(&buf); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", `attachment; filename="heap-mapscope.pb.gz"`)
		w.Write(buf.Bytes())
	})
}

// heapProfile builds the profile from raw records. Each distinct return
// PC becomes one Location whose Lines hold its inlined frames, leaf first.
func heapProfile(records []runtime.MemProfileRecord, rate int, c *mapsite.Classifier) (*profile.Profile, error) {
	p := &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: "alloc_objects", Unit: "count"},
			{Type: "alloc_space", Unit: "bytes"},
			{Type: "inuse_objects", Unit: "count"},
			{Type: "inuse_space", Unit: "bytes"},
		},
		DefaultSampleType: "inuse_space",
		PeriodType:        &profile.ValueType{Type: "space", Unit: "bytes"},
		Period:            int64(rate),
		TimeNanos:         time.Now().UnixNano(),
	}
	b := newProfileBuilder(p)
	for i := range records {
		r := &records[i]
		stack := r.Stack()
		s := &profile.Sample{NumLabel: map[string][]int64{}}
		for _, pc := range stack {
			s.Location = append(s.Location, b.location(pc))
		}
		ao, ab := mapsite.ScaleHeapSample(r.AllocObjects, r.AllocBytes, rate)
		uo, ub := mapsite.ScaleHeapSample(r.InUseObjects(), r.InUseBytes(), rate)
		s.Value = []int64{ao, ab, uo, ub}
		if r.AllocObjects > 0 {
			s.NumLabel["bytes"] = []int64{r.AllocBytes / r.AllocObjects}
		}
		if site, ok := c.Classify(stack); ok {
			s.Label = map[string][]string{"map_kind": {string(site.Kind)}}
		}
		p.Sample = append(p.Sample, s)
	}
	b.finish()
	if err := p.CheckValid(); err != nil {
		return nil, fmt.Errorf("mapwatch: built an invalid heap profile: %w", err)
	}
	return p, nil
}

type profileBuilder struct {
	p         *profile.Profile
	locations map[uintptr]*profile.Location
	functions map[string]*profile.Function
	mappings  []*profile.Mapping
	used      map[*profile.Mapping]bool
	fallback  *profile.Mapping
}

func newProfileBuilder(p *profile.Profile) *profileBuilder {
	b := &profileBuilder{
		p:         p,
		locations: map[uintptr]*profile.Location{},
		functions: map[string]*profile.Function{},
		used:      map[*profile.Mapping]bool{},
	}
	// The mappings let pprof tell the executable from shared libraries;
	// every location is already symbolized, so pprof must not try again.
	if f, err := os.Open("/proc/self/maps"); err == nil {
		b.mappings, _ = profile.ParseProcMaps(f)
		f.Close()
	}
	exe, _ := os.Executable()
	b.fallback = &profile.Mapping{File: exe, Limit: ^uint64(0)}
	return b
}

func (b *profileBuilder) location(pc uintptr) *profile.Location {
	if l, ok := b.locations[pc]; ok {
		return l
	}
	l := &profile.Location{
		ID:      uint64(len(b.p.Location) + 1),
		Address: uint64(pc),
		Mapping: b.mapping(uint64(pc)),
	}
	frames := runtime.CallersFrames([]uintptr{pc})
	for {
		f, more := frames.Next()
		if f.Function != "" || f.File != "" {
			l.Line = append(l.Line, profile.Line{Function: b.function(f), Line: int64(f.Line)})
		}
		if !more {
			break
		}
	}
	b.locations[pc] = l
	b.p.Location = append(b.p.Location, l)
	return l
}

func (b *profileBuilder) function(f runtime.Frame) *profile.Function {
	name := f.Function
	if name == "" {
		name = "unknown"
	}
	key := name + "\x00" + f.File
	if fn, ok := b.functions[key]; ok {
		return fn
	}
	fn := &profile.Function{
		ID:         uint64(len(b.p.Function) + 1),
		Name:       name,
		SystemName: name,
		Filename:   f.File,
	}
	b.functions[key] = fn
	b.p.Function = append(b.p.Function, fn)
	return fn
}

func (b *profileBuilder) mapping(addr uint64) *profile.Mapping {
	m := b.fallback
	for _, c := range b.mappings {
		if c.Start <= addr && addr < c.Limit {
			m = c
			break
		}
	}
	b.used[m] = true
	return m
}

// finish keeps the mappings that locations point into, numbered in order.
func (b *profileBuilder) finish() {
	all := append(b.mappings, b.fallback)
	for _, m := range all {
		if !b.used[m] {
			continue
		}
		m.ID = uint64(len(b.p.Mapping) + 1)
		m.HasFunctions, m.HasFilenames, m.HasLineNumbers, m.HasInlineFrames = true, true, true, true
		b.p.Mapping = append(b.p.Mapping, m)
	}
}
