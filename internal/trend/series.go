package trend

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
)

// A SiteKey identifies a site across snapshots: the same identity as a
// heap report's site.
type SiteKey struct {
	Function, File string
	Line           int
	Kind           heap.Kind
	Map            string // the map expression, when the source names it
}

// A SiteSeries is one site's figures in every snapshot of a Series.
type SiteSeries struct {
	SiteKey
	Type     string
	Root     string // the goroutine that allocated, by its entry function
	Evidence []heap.Evidence
	Path     []string
	Note     string
	// bytes and objects per snapshot, by snapshot index; shorter than the
	// series when the site was last seen before its end (zeros after).
	bytes, objects []int64
}

// A snapshot is what a Series keeps of one heap profile: its figures and
// what tells a restart.
type snapshot struct {
	name     string
	time     time.Time
	buildID  string
	program  string // base name of the main executable
	start    uint64 // the main mapping's address: moves when a PIE restarts
	allocs   int64  // alloc_space total: cumulative, so it falls at a restart
	delta    bool   // a ?seconds=N profile, whose alloc figures are not cumulative
	bytes    int64  // all in-use bytes
	mapBytes int64
}

// A Series is a program's heap snapshots, attributed one at a time with
// the same evidence and reduced to per-site figures. Snapshots may be
// added in any order; Sorted orders them by profile time. It keeps no
// profile: memory grows with sites times snapshots, not with samples.
type Series struct {
	an    *heap.Analyzer
	snaps []snapshot
	sites map[SiteKey]*SiteSeries
}

// NewSeries returns an empty series whose snapshots an attributes.
func NewSeries(an *heap.Analyzer) *Series {
	return &Series{an: an, sites: make(map[SiteKey]*SiteSeries)}
}

// Add attributes the heap profile p, read from name, and adds it. It
// refuses a profile of another program than the ones before it, and one
// that the evidence does not match.
func (s *Series) Add(name string, l *heapprof.Lean) error {
	p := l.Profile
	prog := heap.ProgramOf(p)
	for _, o := range s.snaps {
		if o.program != "" && prog != "" && o.program != prog {
			return fmt.Errorf("%s is a profile of %s, but %s is of %s: one trend is one program", name, prog, o.name, o.program)
		}
	}
	if err := s.an.MatchBinary(heap.Profile{Name: name, Profile: p}); err != nil {
		return err
	}
	fig, err := heapprof.Select(p, "inuse")
	if err != nil {
		return fmt.Errorf("%s: %v", name, err)
	}
	res, err := s.an.AttributeLean(l, fig)
	if err != nil {
		return err
	}
	idx := len(s.snaps)
	snap := snapshot{
		name:    name,
		time:    time.Unix(0, p.TimeNanos),
		buildID: heap.MainBuildID(p),
		program: prog,
		allocs:  allocTotal(l),
		delta:   p.DurationNanos > 0,
		bytes:   res.Total,
	}
	if len(p.Mapping) > 0 {
		snap.start = p.Mapping[0].Start
	}
	snap.mapBytes, _ = res.MapBytes()
	s.snaps = append(s.snaps, snap)
	for _, site := range res.Sites {
		k := SiteKey{site.Function, site.File, site.Line, site.Kind, site.Map}
		ss := s.sites[k]
		if ss == nil {
			ss = &SiteSeries{SiteKey: k, Type: site.Type, Root: site.Root, Evidence: site.Evidence, Path: site.Path, Note: site.Note}
			s.sites[k] = ss
		}
		for len(ss.bytes) <= idx {
			ss.bytes = append(ss.bytes, 0)
			ss.objects = append(ss.objects, 0)
		}
		ss.bytes[idx] += site.Bytes
		ss.objects[idx] += site.Objects
	}
	return nil
}

// Len returns the number of snapshots added.
func (s *Series) Len() int { return len(s.snaps) }

func allocTotal(l *heapprof.Lean) int64 {
	fig, err := heapprof.Select(l.Profile, "alloc")
	if err != nil {
		return -1
	}
	return l.Total(fig.Space)
}

// A Segment is a run of the program: the snapshots between two restarts.
type Segment struct {
	From, To int // snapshot indexes in time order, To exclusive
	BuildID  string
	Cause    string // "first", or what showed the restart
}

// A Site is one site's series over the snapshots of a segment, in time
// order.
type Site struct {
	*SiteSeries
	Points []Point
}

// Result is the series in time order, split into segments.
type Result struct {
	Names    []string // snapshot names, in time order
	Times    []time.Time
	Bytes    []int64 // whole heap per snapshot
	MapBytes []int64
	Segments []Segment
	order    []int // time order -> index of Add
	sites    map[SiteKey]*SiteSeries
}

// Sorted orders the snapshots by profile time and splits them where the
// program restarted: another build ID, the executable mapped elsewhere (a
// position-independent executable starts at a new address every run), or
// the cumulative allocation total falling.
func (s *Series) Sorted() *Result {
	order := make([]int, len(s.snaps))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return s.snaps[a].time.Compare(s.snaps[b].time) })
	r := &Result{order: order, sites: s.sites}
	for i, idx := range order {
		sn := s.snaps[idx]
		r.Names = append(r.Names, sn.name)
		r.Times = append(r.Times, sn.time)
		r.Bytes = append(r.Bytes, sn.bytes)
		r.MapBytes = append(r.MapBytes, sn.mapBytes)
		cause := "first"
		if i > 0 {
			cause = restart(s.snaps[order[i-1]], sn)
			if cause == "" {
				r.Segments[len(r.Segments)-1].To = i + 1
				continue
			}
		}
		r.Segments = append(r.Segments, Segment{From: i, To: i + 1, BuildID: sn.buildID, Cause: cause})
	}
	return r
}

// restart says why cur cannot be the same run of the program as prev, or
// "" when it can.
func restart(prev, cur snapshot) string {
	switch {
	case prev.buildID != "" && cur.buildID != "" && prev.buildID != cur.buildID:
		return fmt.Sprintf("another build (build ID %s, was %s)", short(cur.buildID), short(prev.buildID))
	case prev.start != 0 && cur.start != 0 && prev.start != cur.start:
		return "the executable is mapped at another address: the program restarted"
	case !prev.delta && !cur.delta && prev.allocs >= 0 && cur.allocs >= 0 && cur.allocs < prev.allocs:
		return "the allocation total fell: the program restarted"
	}
	return ""
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// Sites returns every site's points over segment seg.
func (r *Result) Sites(seg Segment) []Site {
	out := make([]Site, 0, len(r.sites))
	for _, ss := range r.sites {
		pts := make([]Point, 0, seg.To-seg.From)
		seen := false
		for i := seg.From; i < seg.To; i++ {
			idx := r.order[i]
			var b, o int64
			if idx < len(ss.bytes) {
				b, o = ss.bytes[idx], ss.objects[idx]
			}
			seen = seen || b != 0 || o != 0
			pts = append(pts, Point{Time: r.Times[i], Bytes: b, Objects: o})
		}
		if seen {
			out = append(out, Site{SiteSeries: ss, Points: pts})
		}
	}
	slices.SortFunc(out, func(a, b Site) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Map, b.Map), cmp.Compare(a.Function, b.Function))
	})
	return out
}

// Last returns the last segment, the current run of the program.
func (r *Result) Last() Segment {
	if len(r.Segments) == 0 {
		return Segment{}
	}
	return r.Segments[len(r.Segments)-1]
}

// Package returns the package path of the site's function, for filtering.
func (k SiteKey) Package() string { return funcname.Package(k.Function) }
