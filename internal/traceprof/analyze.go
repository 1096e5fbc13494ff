package traceprof

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"golang.org/x/exp/trace"

	"github.com/mapscope/mapscope/internal/cpuprof"
	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
)

// Options configure Read.
type Options struct {
	cpuprof.Options
	// SamplePeriod is the CPU time one CPU sample of the trace stands for:
	// the period of the CPU profile that ran during the trace. Zero means
	// 10ms, the 100 Hz runtime/pprof and /debug/pprof/profile use.
	SamplePeriod time.Duration
}

// A Span is a stretch of the trace, in nanoseconds since its first event.
type Span struct{ Start, End int64 }

// Len returns the span's length in nanoseconds.
func (s Span) Len() int64 { return s.End - s.Start }

// An STW is a stop-the-world pause.
type STW struct {
	Span
	Reason string // "GC mark termination", "GC sweep termination", ...
}

// An Assist is one GC mark assist of a goroutine.
type Assist struct {
	Span
	Site *cpuprof.Site // the map site it began under, nil when not in map code
	Op   mapop.Op
}

// A Point is a metric's value at a time (nanoseconds since the first
// event).
type Point struct {
	T     int64
	Value uint64
}

// Result is a trace analysed.
type Result struct {
	Version  int   // the trace format, Go 1.Version
	Duration int64 // nanoseconds from the first event to the last

	GCs     []Span // concurrent mark phases
	STWs    []STW
	Assists []Assist

	// Heap is /memory/classes/heap/objects:bytes over time (the bytes of
	// heap objects, live and not yet swept), Goal /gc/heap/goal:bytes.
	Heap, Goal []Point

	// CPU samples (present when CPU profiling ran during the trace).
	CPUSamples  int
	CPUTotal    int64 // nanoseconds the samples stand for
	Map         cpuprof.Times
	AssistTotal int64 // nanoseconds of all mark assists
	AssistMap   cpuprof.Times

	// Sites holds every map site with CPU samples or assists, costliest
	// first; AssistStacks the stack of each site's longest assist, from
	// the site's frame down to the assist.
	Sites        []*cpuprof.Site
	AssistStacks map[*cpuprof.Site][]string
}

// Read reads and analyses a trace: the bytes of a trace file, or of a
// gzip-compressed one. Errors say what is wrong with the data without
// naming it; callers add the name.
func Read(data []byte, opt Options) (*Result, error) {
	return ReadFrom(bytes.NewReader(data), opt)
}

// ReadFrom reads and analyses the trace r streams, gzip-compressed or not,
// without holding the whole of it: a generation at a time, as the trace
// reader does.
func ReadFrom(in io.Reader, opt Options) (res *Result, err error) {
	br := bufio.NewReaderSize(in, 1<<20)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("bad gzip data: %v", err)
		}
		br = bufio.NewReaderSize(gzipErrors{zr}, 1<<20)
	}
	head, perr := br.Peek(32)
	if perr != nil && perr != io.EOF {
		return nil, readError(perr)
	}
	v, err := Version(head)
	if err != nil {
		if v == 0 && len(head) > 0 {
			// Not a trace: look at all of it (within reason) to say what
			// it is instead.
			all, _ := io.ReadAll(io.LimitReader(br, 256<<20))
			_, err = Version(append(slices.Clip(head), all[len(head):]...))
		}
		return nil, err
	}
	if opt.SamplePeriod <= 0 {
		opt.SamplePeriod = 10 * time.Millisecond
	}
	defer func() {
		// The reader validates what it reads, but a damaged trace can
		// still reach one of its internal assertions.
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("damaged trace (the reader failed: %v)", r)
		}
	}()
	r, err := trace.NewReader(br)
	if err != nil {
		return nil, readError(err)
	}
	a := &analysis{
		res:     &Result{Version: v, AssistStacks: make(map[*cpuprof.Site][]string)},
		attr:    cpuprof.NewAttributor(opt.Options),
		period:  int64(opt.SamplePeriod),
		stacks:  make(map[trace.Stack]decision),
		assists: make(map[trace.GoID]openAssist),
		stws:    make(map[trace.GoID]STW),
		gc:      -1,
	}
	first := true
	for {
		ev, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readError(err)
		}
		if first {
			a.origin, first = ev.Time(), false
		}
		a.event(ev)
	}
	a.finish()
	return a.res, nil
}

// readError words the reader's errors for a user in one line: most mean
// the file was cut short or damaged.
func readError(err error) error {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	switch {
	case errors.Is(err, errTruncatedGzip), strings.Contains(msg, errTruncatedGzip.Error()):
		return errTruncatedGzip
	case errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(msg, "unexpected EOF"), strings.Contains(msg, "failed to read full batch"):
		return errors.New("truncated trace (it ends in the middle of a batch of events; was the file or the download cut off?)")
	case strings.Contains(msg, "incomplete generation"):
		// Go 1.26 traces end each generation with a mark; this one's
		// last generation has none.
		return errors.New("truncated trace (it ends in the middle of a generation of events; was the file or the download cut off?)")
	case strings.Contains(msg, "broken trace"), strings.Contains(msg, "failed to advance"):
		// The reader could not order the events: some are missing, most
		// often because the file was cut off (traces before Go 1.26 have
		// no mark of their end).
		return errors.New("truncated or damaged trace (its events do not add up: some are missing; was the file or the download cut off?)")
	}
	return fmt.Errorf("damaged trace (%s)", strings.TrimSuffix(msg, ":"))
}

var errTruncatedGzip = errors.New("truncated gzip data (the file ends early; was the download cut off?)")

// gzipErrors words a gzip stream's errors for readError.
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = errTruncatedGzip
	case err != nil && err != io.EOF:
		err = fmt.Errorf("bad gzip data: %w", err)
	}
	return n, err
}

// decision is a stack attributed, kept per stack: a trace repeats stacks.
type decision struct {
	site *cpuprof.Site
	op   mapop.Op
	path []string // for assists: the site's frame down to the assist
}

type openAssist struct {
	start int64
	d     decision
}

type analysis struct {
	res     *Result
	attr    *cpuprof.Attributor
	period  int64
	origin  trace.Time
	last    int64
	stacks  map[trace.Stack]decision
	frames  []cpuprof.Frame
	assists map[trace.GoID]openAssist
	stws    map[trace.GoID]STW
	gc      int64 // start of the mark phase in progress, -1 for none
	longest map[*cpuprof.Site]int64
}

func (a *analysis) at(t trace.Time) int64 { return int64(t.Sub(a.origin)) }

func (a *analysis) event(ev trace.Event) {
	now := a.at(ev.Time())
	a.last = now
	switch ev.Kind() {
	case trace.EventStackSample:
		d := a.decide(ev.Stack())
		a.res.CPUSamples++
		a.res.CPUTotal += a.period
		if d.site != nil {
			d.site.CPU[d.op] += a.period
			d.site.Samples++
			a.res.Map[d.op] += a.period
		}
	case trace.EventMetric:
		m := ev.Metric()
		switch m.Name {
		case "/memory/classes/heap/objects:bytes":
			a.res.Heap = append(a.res.Heap, Point{now, m.Value.Uint64()})
		case "/gc/heap/goal:bytes":
			a.res.Goal = append(a.res.Goal, Point{now, m.Value.Uint64()})
		}
	case trace.EventRangeBegin, trace.EventRangeActive:
		a.rangeBegin(ev, now)
	case trace.EventRangeEnd:
		a.rangeEnd(ev, now)
	}
}

func (a *analysis) rangeBegin(ev trace.Event, now int64) {
	r := ev.Range()
	switch {
	case r.Name == "GC concurrent mark phase":
		if a.gc < 0 {
			a.gc = now
		}
	case r.Name == "GC mark assist":
		g := r.Scope.Goroutine()
		var d decision
		if ev.Kind() == trace.EventRangeBegin {
			// An assist already running when the trace started has no
			// stack: it stays unattributed.
			d = a.decide(ev.Stack())
		}
		a.assists[g] = openAssist{start: now, d: d}
	case strings.HasPrefix(r.Name, "stop-the-world ("):
		g := r.Scope.Goroutine()
		a.stws[g] = STW{Span: Span{Start: now}, Reason: strings.TrimSuffix(strings.TrimPrefix(r.Name, "stop-the-world ("), ")")}
	}
}

func (a *analysis) rangeEnd(ev trace.Event, now int64) {
	r := ev.Range()
	switch {
	case r.Name == "GC concurrent mark phase":
		if a.gc >= 0 {
			a.res.GCs = append(a.res.GCs, Span{a.gc, now})
			a.gc = -1
		} else {
			// The phase began before the trace did.
			a.res.GCs = append(a.res.GCs, Span{0, now})
		}
	case r.Name == "GC mark assist":
		g := r.Scope.Goroutine()
		op, ok := a.assists[g]
		if !ok {
			op = openAssist{start: 0}
		}
		delete(a.assists, g)
		a.endAssist(op, now)
	case strings.HasPrefix(r.Name, "stop-the-world ("):
		g := r.Scope.Goroutine()
		s, ok := a.stws[g]
		if !ok {
			return // began before the trace
		}
		delete(a.stws, g)
		s.End = now
		a.res.STWs = append(a.res.STWs, s)
	}
}

func (a *analysis) endAssist(op openAssist, now int64) {
	as := Assist{Span: Span{op.start, now}, Site: op.d.site, Op: op.d.op}
	a.res.Assists = append(a.res.Assists, as)
	n := as.Len()
	a.res.AssistTotal += n
	if s := op.d.site; s != nil {
		s.Assist[op.d.op] += n
		s.Assists++
		a.res.AssistMap[op.d.op] += n
		if a.longest == nil {
			a.longest = make(map[*cpuprof.Site]int64)
		}
		if n > a.longest[s] {
			a.longest[s] = n
			a.res.AssistStacks[s] = op.d.path
		}
	}
}

// decide attributes a stack, once per stack.
func (a *analysis) decide(st trace.Stack) decision {
	if st == trace.NoStack {
		return decision{}
	}
	if d, ok := a.stacks[st]; ok {
		return d
	}
	a.frames = a.frames[:0]
	for f := range st.Frames() {
		a.frames = append(a.frames, a.attr.Frame(f.Func, f.File, int(f.Line)))
	}
	site, op := a.attr.Decide(a.frames)
	d := decision{site: site, op: op}
	if site != nil {
		d.path = stackPath(a.frames, site)
	}
	a.stacks[st] = d
	return d
}

// stackPath lists a stack's functions from the site's frame down to the
// leaf, without the trace's own frames (traceLocker.*).
func stackPath(frames []cpuprof.Frame, site *cpuprof.Site) []string {
	top := len(frames) - 1
	for i, f := range frames {
		if f.Func == site.Function && f.Line == site.Line {
			top = i
			break
		}
	}
	var out []string
	for i := top; i >= 0; i-- {
		fn := frames[i].Func
		if strings.HasPrefix(fn, "runtime.traceLocker.") || strings.HasPrefix(fn, "runtime.(*traceLocker).") {
			continue
		}
		out = append(out, fn)
	}
	return out
}

// finish closes what the trace left open and orders the sites.
func (a *analysis) finish() {
	res := a.res
	res.Duration = a.last
	if a.gc >= 0 {
		res.GCs = append(res.GCs, Span{a.gc, a.last})
	}
	for _, op := range a.assists {
		a.endAssist(op, a.last)
	}
	for _, s := range a.stws {
		s.End = a.last
		res.STWs = append(res.STWs, s)
	}
	res.Sites = a.attr.Sites()
	sortSpans(res)
}
