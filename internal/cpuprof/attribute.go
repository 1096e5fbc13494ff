package cpuprof

import (
	"cmp"
	"regexp"
	"slices"

	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
	"github.com/mapscope/mapscope/internal/mapruntime/mapkind"
	"github.com/mapscope/mapscope/internal/mapruntime/mapop"
)

// Options say which frames are the user's.
type Options struct {
	// Focus selects the site: the first frame above the map call whose
	// function matches. When nil, the first frame of MainModule, or of
	// package main when MainModule is "".
	Focus      *regexp.Regexp
	MainModule string
}

// Times holds nanoseconds per map operation, indexed by mapop.Op.
type Times [mapop.Clone + 1]int64

// Total returns the sum over all operations.
func (t *Times) Total() int64 {
	var n int64
	for _, v := range t {
		n += v
	}
	return n
}

// Add adds u to t.
func (t *Times) Add(u *Times) {
	for i := range t {
		t[i] += u[i]
	}
}

// Site is a line of the user's code with the time its map calls cost.
type Site struct {
	Function string
	File     string
	Line     int
	// Foreign is set when no frame of the user's code (the main module, or
	// -focus) is above the map call: the site is a library's frame.
	Foreign bool
	// Entry is the map function the site calls (runtime.mapassign_fast64);
	// Path the way there when it passes through other packages: the
	// site's function, the packages, the entry ("main.decode",
	// "encoding/json", "reflect", "reflect.mapassign_faststr0").
	Entry string
	Path  []string
	// Library is the package of the frame that makes the map call when
	// that frame is neither the user's nor in the site's package: the map
	// is a library's (encoding/json decoding into a map, a cache's own).
	Library string

	CPU     Times // CPU time of the samples in map code, per operation
	Samples int
	// Assist is the time of GC mark assists that began in map code at the
	// site (execution traces only).
	Assist  Times
	Assists int

	// From the source, when given (Annotate): the map the line names, its
	// type, and the loop around the line with its trip count when known
	// before the loop starts.
	Expr, Type string
	LoopLine   int
	LoopTrips  string
}

// GrowShare returns the share of the site's map CPU time spent growing
// maps, 0..1.
func (s *Site) GrowShare() float64 {
	if t := s.CPU.Total(); t > 0 {
		return float64(s.CPU[mapop.Grow]) / float64(t)
	}
	return 0
}

// Frame is one call frame, with what its function says worked out once.
type Frame struct {
	Func string
	File string
	Line int
	info funcInfo
}

type funcInfo struct {
	op      mapop.Op
	user    bool // -focus, the main module, or package main
	std     bool // standard library or runtime
	runtime bool
}

// An Attributor decides the operation and site of stacks, and keeps the
// sites. It is not safe for concurrent use.
type Attributor struct {
	opt   Options
	funcs map[string]funcInfo
	sites map[siteKey]*Site
	ops   []mapop.Op // scratch for Decide
}

type siteKey struct {
	fn, file string
	line     int
}

// NewAttributor returns an Attributor that finds sites with opt.
func NewAttributor(opt Options) *Attributor {
	return &Attributor{opt: opt, funcs: make(map[string]funcInfo), sites: make(map[siteKey]*Site)}
}

// Frame describes one frame. Callers that meet the same frames many times
// (a profile's locations, a trace's stacks) keep the result.
func (a *Attributor) Frame(fn, file string, line int) Frame {
	info, ok := a.funcs[fn]
	if !ok {
		info = a.describe(fn)
		a.funcs[fn] = info
	}
	return Frame{Func: fn, File: file, Line: line, info: info}
}

func (a *Attributor) describe(fn string) funcInfo {
	pkg := funcname.Package(fn)
	info := funcInfo{op: mapop.Of(fn), std: funcname.IsStandard(pkg), runtime: mapkind.IsRuntime(fn)}
	switch {
	case a.opt.Focus != nil:
		info.user = a.opt.Focus.MatchString(fn)
	case a.opt.MainModule != "":
		info.user = funcname.IsMain(pkg) || funcname.InModule(pkg, a.opt.MainModule)
	default:
		info.user = funcname.IsMain(pkg)
	}
	return info
}

// Decide returns the map operation a stack (leaf first) is in and the
// site that called it, or nil and mapop.None for a stack outside map code.
func (a *Attributor) Decide(stack []Frame) (*Site, mapop.Op) {
	ops := a.ops[:0]
	for i := range stack {
		ops = append(ops, stack[i].info.op)
	}
	a.ops = ops
	op, entry := mapop.Resolve(ops)
	if op == mapop.None {
		return nil, mapop.None
	}
	u, foreign := userIndex(stack, entry)
	// Without a main module or -focus, package main is all that is known
	// to be the user's: a frame of another package may be the user's too.
	foreign = foreign && (a.opt.MainModule != "" || a.opt.Focus != nil)
	user := &stack[u]
	k := siteKey{user.Func, user.File, user.Line}
	s, ok := a.sites[k]
	if !ok {
		s = &Site{Function: user.Func, File: user.File, Line: user.Line, Foreign: foreign, Entry: stack[entry].Func, Path: callPath(stack, u, entry)}
		if c := entry + 1; c < u && !stack[c].info.user {
			if pkg := funcname.Package(stack[c].Func); pkg != funcname.Package(user.Func) {
				s.Library = pkg
			}
		}
		a.sites[k] = s
	}
	return s, op
}

// userIndex returns the index of the site's frame above the entry: the
// first frame of the user's code; failing that, the first outside the
// standard library, then the first outside the runtime, then the entry
// itself. foreign is set when no frame is the user's.
func userIndex(stack []Frame, entry int) (int, bool) {
	for i := entry + 1; i < len(stack); i++ {
		if stack[i].info.user {
			return i, false
		}
	}
	for i := entry + 1; i < len(stack); i++ {
		if !stack[i].info.std {
			return i, true
		}
	}
	for i := entry + 1; i < len(stack); i++ {
		if !stack[i].info.runtime {
			return i, true
		}
	}
	return entry, true
}

// callPath describes the way from the site's frame to the map call when it
// passes through other packages; nil when the site calls the map itself.
func callPath(stack []Frame, user, entry int) []string {
	if user <= entry+1 {
		return nil
	}
	out := []string{stack[user].Func}
	seen := map[string]bool{funcname.Package(stack[user].Func): true}
	for i := user - 1; i > entry; i-- {
		if stack[i].info.runtime {
			continue
		}
		if pkg := funcname.Package(stack[i].Func); !seen[pkg] {
			seen[pkg] = true
			out = append(out, pkg)
		}
	}
	return append(out, stack[entry].Func)
}

// Sites returns every site, the costliest first: by CPU time in map code,
// then by assist time, then by position.
func (a *Attributor) Sites() []*Site {
	out := make([]*Site, 0, len(a.sites))
	for _, s := range a.sites {
		out = append(out, s)
	}
	SortSites(out)
	return out
}

// SortSites orders sites as Sites does.
func SortSites(sites []*Site) {
	slices.SortFunc(sites, func(x, y *Site) int {
		if c := cmp.Compare(y.CPU.Total(), x.CPU.Total()); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Assist.Total(), x.Assist.Total()); c != 0 {
			return c
		}
		if c := cmp.Compare(x.File, y.File); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Line, y.Line); c != 0 {
			return c
		}
		return cmp.Compare(x.Function, y.Function)
	})
}

// Result is a CPU profile attributed.
type Result struct {
	Duration int64 // nanoseconds the profile covers, 0 when it does not say
	Total    int64 // CPU nanoseconds of all samples
	Samples  int64 // profile samples (the sample count of each stack, summed)
	Map      Times // CPU nanoseconds in map code, per operation
	Sites    []*Site
}

// Attribute decides every sample of a CPU profile.
func Attribute(p *Profile, opt Options) (*Result, error) {
	val, err := p.cpuValue()
	if err != nil {
		return nil, err
	}
	countIdx := -1
	for i, st := range p.SampleType {
		if st.Type == "samples" {
			countIdx = i
		}
	}
	a := NewAttributor(opt)
	res := &Result{Duration: p.DurationNanos}
	// runtime/pprof numbers locations 1..N: a slice indexed by ID is
	// faster than a map; other numberings fall back to the map.
	dense := make([][]Frame, len(p.Locations)+1)
	frames := make(map[uint64][]Frame)
	stack := make([]Frame, 0, 128)
	for _, s := range p.Samples {
		vals := p.Values(s)
		var nanos int64
		if val.index < len(vals) {
			nanos = vals[val.index] * val.scale
		}
		res.Total += nanos
		n := int64(1)
		if countIdx >= 0 && countIdx < len(vals) {
			n = vals[countIdx]
		}
		res.Samples += n
		if nanos == 0 {
			continue
		}
		stack = stack[:0]
		for _, id := range p.Stack(s) {
			var fs []Frame
			if id < uint64(len(dense)) {
				if fs = dense[id]; fs == nil {
					fs = a.locationFrames(p, id)
					dense[id] = fs
				}
			} else {
				var ok bool
				if fs, ok = frames[id]; !ok {
					fs = a.locationFrames(p, id)
					frames[id] = fs
				}
			}
			stack = append(stack, fs...)
		}
		site, op := a.Decide(stack)
		if site == nil {
			continue
		}
		site.CPU[op] += nanos
		site.Samples += int(n)
		res.Map[op] += nanos
	}
	res.Sites = a.Sites()
	return res, nil
}

// locationFrames expands a location into its frames, inlined ones
// included, innermost first. Unsymbolized locations have none.
func (a *Attributor) locationFrames(p *Profile, id uint64) []Frame {
	loc := p.Locations[id]
	fs := make([]Frame, 0, max(1, len(loc.Lines))) // never nil: nil marks "not yet" in Attribute
	for _, ln := range loc.Lines {
		f, ok := p.Functions[ln.Function]
		if !ok {
			continue
		}
		fs = append(fs, a.Frame(f.Name, f.File, int(ln.Line)))
	}
	return fs
}
