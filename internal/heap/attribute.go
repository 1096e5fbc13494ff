package heap

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/heap/heapprof"
	"github.com/mapscope/mapscope/internal/mapruntime/funcname"
	"github.com/mapscope/mapscope/internal/mapruntime/mapkind"
)

// A Binary reads call targets out of the executable that wrote the profile.
type Binary interface {
	// Callee names the function called by the call instruction that
	// precedes the location's return address.
	Callee(loc *profile.Location) (name string, ok bool)
}

// A Source describes source lines of the module that wrote the profile.
type Source interface {
	// Line describes the line a frame points at. It returns an error for
	// lines outside the module (ErrNotInTree from srcline, say) or a tree
	// that does not match the profile.
	Line(fn, file string, line int) (*Line, error)
}

// OpKind says what an operation on a source line does.
type OpKind int

const (
	OpMapAssign  OpKind = iota + 1 // m[k] = v
	OpMapMake                      // make(map[K]V[, n])
	OpMapLiteral                   // map[K]V{...}
	OpMapClone                     // maps.Clone(m)
	OpMapDecode                    // json.Unmarshal(data, &m)
	OpMapReflect                   // reflect.MakeMap..., SetMapIndex
	OpSyncMap                      // (*sync.Map).Store and friends
	OpAlloc                        // any other allocation: &T{}, make([]T, n), append
	OpCall                         // a call that may allocate inside
	OpMapMethod                    // s.Insert(k): a method of a named map type; a call
)

// Op is one allocating operation on a source line.
type Op struct {
	Kind OpKind
	Expr string // the map expression for map ops ("s.sessions")
	Type string // the map's type ("map[string]*Session")
	Hint string // for OpMapMake: the size hint as written, "" for none
	// Sizes for the block-size evidence (sizes.go), 0 when unknown:
	// SlotSize and BucketSize of a map op's storage, Size of an OpAlloc's
	// object.
	SlotSize, BucketSize, Size int64
}

// Line is what the source says about one line.
type Line struct {
	Path string // file relative to the module root
	// Module and Version name the dependency the line is in, "" for a
	// line of the user's own module.
	Module, Version string
	Ops             []Op
	// LoopLine is the line of the innermost loop around this line (0 if
	// none); LoopTrips its trip count when known before the loop starts,
	// set only when the line fills a local map of the function once per
	// iteration, whose make a size hint can go to (not a field or package
	// map, which grows across calls).
	LoopLine  int
	LoopTrips string
}

// Options configure Attribute.
type Options struct {
	Figures heapprof.Figures
	Binary  Binary // optional
	Source  Source // optional
	// Focus selects the user frame: the first frame, from the allocation
	// outward, whose function matches. When nil, the first frame of the
	// main module (MainModule, or package main when that is empty).
	Focus      *regexp.Regexp
	MainModule string
	// SampleSites asks for Result.SampleSites.
	SampleSites bool
}

// Site is one source location with the bytes allocated there of one kind.
type Site struct {
	Function string
	File     string
	Line     int
	Kind     Kind
	Evidence []Evidence // what decided Kind, strongest first
	Map      string     // map expression, when the source names it
	Type     string     // map type, when the source names it
	Path     []string   // user frame -> packages -> allocating frame
	Bytes    int64
	Objects  int64
	Samples  int
	Note     string // why a site is unknown, or conflicting evidence
	// Root is the outermost function of the site's first stack that is
	// not the runtime's: the goroutine that allocated, by its entry. A
	// goroutine that never exits holds what it made; goroutine profiles
	// tell by this name.
	Root string
	// Owner is set when the map is a library's, reached from the site's
	// line: the library's frame that grew or made it, whose source names
	// Map and Type.
	Owner *Owner
	// Foreign is set when no frame of the user's code (the main module, or
	// -focus) is on the stack, so the site is a library's or the standard
	// library's own frame: code the user cannot change.
	Foreign bool
	Hint    string // for make sites: the size hint as written
	// LoopLine and LoopTrips come from the source (see Line).
	LoopLine  int
	LoopTrips string
}

// An Owner is the library line a site's map belongs to.
type Owner struct {
	Function, File string
	Line           int
	Module         string // the dependency, "" for the standard library
	Version        string
}

// Result is a whole profile attributed.
type Result struct {
	Figures heapprof.Figures
	Total   int64 // all bytes in the profile (chosen figure)
	Objects int64
	Sites   []*Site // every site, by bytes, largest first
	// SourceErrors lists distinct problems the source reported for lines
	// inside the module (mismatches), so the caller can warn or refuse.
	SourceErrors []string
	// SourceChecked counts lines looked up in the source; SourceMismatched
	// those that did not match.
	SourceChecked, SourceMismatched int
	// SampleSites holds the site of each sample of the profile, in order
	// (nil for samples with no value in the chosen figures), when
	// Options.SampleSites asks for it.
	SampleSites []*Site
}

// MapBytes returns the bytes of map storage in r.
func (r *Result) MapBytes() (bytes, objects int64) {
	for _, s := range r.Sites {
		if s.Kind.IsMap() {
			bytes += s.Bytes
			objects += s.Objects
		}
	}
	return bytes, objects
}

// ByKind returns the bytes per kind.
func (r *Result) ByKind() map[Kind]int64 {
	m := make(map[Kind]int64, len(Kinds))
	for _, s := range r.Sites {
		m[s.Kind] += s.Bytes
	}
	return m
}

// frame is one (possibly inlined) call frame of a sample, leaf first.
type frame struct {
	fn   string
	file string
	line int
	loc  *profile.Location

	// What the function name says, worked out once per location rather
	// than once per sample: a profile has far more samples than locations.
	kind    Kind // the map storage the function stands for, "" for none (mapkind.OfFrame)
	runtime bool // runtime. or internal/runtime/: the allocator's own frames
	std     bool // standard library (or runtime)
	user    bool // matches -focus, or is in the main module
}

type attributor struct {
	opt     Options
	frames  map[uint64][]frame // per location ID: its lines, innermost first
	callees map[uint64]calleeResult
	lines   map[lineKey]lineResult
	sites   map[siteKey]*Site
	sizes   map[sizeKey]Kind
	res     *Result
	srcErrs map[string]bool
}

type calleeResult struct {
	kind Kind
	name string
	ok   bool
}

type lineKey struct {
	fn, file string
	line     int
}

type lineResult struct {
	line *Line
	err  error
}

type sizeKey struct {
	line  *Line
	block int64
}

// kindFromSize caches kindFromSize per line and block size: a line's
// samples share a handful of block sizes.
func (a *attributor) kindFromSize(line *Line, block int64) Kind {
	k := sizeKey{line, block}
	kind, ok := a.sizes[k]
	if !ok {
		kind = kindFromSize(line.Ops, block)
		a.sizes[k] = kind
	}
	return kind
}

type siteKey struct {
	fn, file string
	line     int
	kind     Kind
	mapExpr  string
	owner    string // file:line of the library line that names the map
}

// Attribute classifies every sample of p and groups them into sites.
func Attribute(p *profile.Profile, opt Options) *Result {
	return AttributeLean(&heapprof.Lean{Profile: p}, opt)
}

// AttributeLean is Attribute for a profile read by heapprof.ParseLean: it
// takes the samples one at a time, as they are decoded.
func AttributeLean(l *heapprof.Lean, opt Options) *Result {
	p := l.Profile
	a := &attributor{
		opt:     opt,
		frames:  make(map[uint64][]frame, len(p.Location)),
		callees: make(map[uint64]calleeResult),
		lines:   make(map[lineKey]lineResult),
		sites:   make(map[siteKey]*Site),
		sizes:   make(map[sizeKey]Kind),
		res:     &Result{Figures: opt.Figures},
		srcErrs: make(map[string]bool),
	}
	if opt.SampleSites {
		a.res.SampleSites = make([]*Site, l.Len())
	}
	var stack []frame
	l.Each(func(i int, s *profile.Sample, block int64) {
		space, objects := opt.Figures.Values(s)
		a.res.Total += space
		a.res.Objects += objects
		if space == 0 && objects == 0 {
			return
		}
		stack = a.stack(stack[:0], s)
		site := a.classify(stack, block)
		site.Bytes += space
		site.Objects += objects
		site.Samples++
		if a.res.SampleSites != nil {
			a.res.SampleSites[i] = site
		}
	})
	for _, s := range a.sites {
		if s.Bytes != 0 || s.Objects != 0 {
			a.res.Sites = append(a.res.Sites, s)
		}
	}
	SortSites(a.res.Sites)
	for e := range a.srcErrs {
		a.res.SourceErrors = append(a.res.SourceErrors, e)
	}
	slices.Sort(a.res.SourceErrors)
	return a.res
}

// SortSites orders sites by bytes, largest first, then by position, so
// that output is stable.
func SortSites(sites []*Site) {
	slices.SortFunc(sites, func(x, y *Site) int {
		if c := cmp.Compare(abs(y.Bytes), abs(x.Bytes)); c != 0 {
			return c
		}
		if c := cmp.Compare(x.File, y.File); c != 0 {
			return c
		}
		if c := cmp.Compare(x.Line, y.Line); c != 0 {
			return c
		}
		return cmp.Compare(x.Kind, y.Kind)
	})
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// stack flattens the sample's locations into frames, leaf first, with
// inlined frames expanded (Location.Line is innermost first).
func (a *attributor) stack(dst []frame, s *profile.Sample) []frame {
	for _, loc := range s.Location {
		fs, ok := a.frames[loc.ID]
		if !ok {
			for _, ln := range loc.Line {
				f := frame{line: int(ln.Line), loc: loc}
				if ln.Function != nil {
					f.fn, f.file = ln.Function.Name, ln.Function.Filename
				}
				fs = append(fs, a.describe(f))
			}
			if len(fs) == 0 {
				// Unsymbolized: keep the address so the site is visible.
				fs = []frame{a.describe(frame{fn: fmt.Sprintf("0x%x", loc.Address), loc: loc})}
			}
			a.frames[loc.ID] = fs
		}
		dst = append(dst, fs...)
	}
	return dst
}

// describe fills in what f's function name says.
func (a *attributor) describe(f frame) frame {
	f.kind = mapkind.OfFrame(f.fn)
	f.runtime = mapkind.IsRuntime(f.fn)
	f.std = funcname.IsStandard(funcname.Package(f.fn))
	if a.opt.Focus != nil {
		f.user = a.opt.Focus.MatchString(f.fn)
	} else if mod := a.opt.MainModule; mod != "" {
		pkg := funcname.Package(f.fn)
		f.user = funcname.IsMain(pkg) || funcname.InModule(pkg, mod)
	}
	return f
}

// userIndex returns the index of the user frame in stack: the first frame
// that matches -focus, or is in the main module; failing that, the first
// frame outside the runtime and standard library, and failing that the
// first frame outside the runtime.
func (a *attributor) userIndex(stack []frame) int {
	for i, f := range stack {
		if f.user {
			return i
		}
	}
	for i, f := range stack {
		if !f.std {
			return i
		}
	}
	for i, f := range stack {
		if !f.runtime {
			return i
		}
	}
	return 0
}

// classify decides the kind of one sample, whose block size is block (0
// when the profile does not say), and returns its site.
func (a *attributor) classify(stack []frame, block int64) *Site {
	if len(stack) == 0 {
		return a.site(frame{fn: "(no stack)"}, nil, Unknown, nil, "sample has no stack", nil, frame{}, false)
	}
	u := a.userIndex(stack)
	user := stack[u]
	below := stack[:u+1] // from the allocation up to and including the user frame

	kind, ev, note := a.fromStack(below)
	// The allocating frame is the first that runtime/pprof kept: its
	// location's return address is the call into the allocator.
	alloc := firstNonRuntime(stack)
	var callee calleeResult
	if kind == Unknown && a.opt.Binary != nil && alloc.loc != nil {
		callee = a.callee(alloc.loc)
		if callee.ok {
			kind, ev, note = callee.kind, []Evidence{FromBinary}, ""
		} else if callee.name != "" {
			note = "binary: allocation calls " + callee.name
		}
	}

	var line *Line
	if a.opt.Source != nil {
		line = a.sourceLine(user)
	}
	// The source decides the kind only when nothing stronger did and the
	// allocation happened at the user line itself (the allocator was
	// called from it, not from a library it called).
	if line != nil && kind == Unknown && alloc == user {
		if k, n := kindFromOps(line.Ops); k != Unknown {
			kind, ev, note = k, []Evidence{FromSource}, ""
		} else if k := a.kindFromSize(line, block); k != Unknown {
			kind, ev, note = k, []Evidence{FromSize}, ""
		} else if n != "" {
			note = n
		}
	}
	// A map inside a library the line called: the dependency's source
	// (at the version the module selects) names it, and decides the kind
	// when nothing stronger did.
	var owner *Line
	if a.opt.Source != nil && alloc != user && alloc.loc != nil && !alloc.runtime {
		if ol := a.sourceLine(alloc); ol != nil {
			if kind == Unknown {
				if k, _ := kindFromOps(ol.Ops); k != Unknown {
					kind, ev, note = k, []Evidence{FromSource}, ""
				} else if k := a.kindFromSize(ol, block); k != Unknown {
					kind, ev, note = k, []Evidence{FromSize}, ""
				}
			}
			// A map grown inside a method of its map type that the
			// user's line calls on a map it holds (s.Insert(k) on a
			// sets.Set[string]) is the user's, not the library's.
			if kind.IsMap() && opFor(ol.Ops, kind) != nil && !(kind == Grow && line != nil && mapMethod(line.Ops) != nil) {
				owner = ol
			}
		}
	}
	if kind == Unknown && note == "" {
		switch {
		case alloc != user && a.opt.Binary == nil:
			note = fmt.Sprintf("allocated inside %s, outside your code: -binary tells whether it is map storage", alloc.fn)
		case alloc != user:
			note = fmt.Sprintf("allocated inside %s; the binary shows no allocator call there", alloc.fn)
		default:
			note = "no evidence: give -binary or -source"
		}
	}
	var site *Site
	if owner != nil {
		site = a.site(user, below, kind, ev, note, owner, alloc, false)
	} else {
		site = a.site(user, below, kind, ev, note, line, frame{}, alloc == user)
	}
	if site.Root == "" {
		site.Root = rootOf(stack)
	}
	return site
}

// fromStack looks for map frames below the user frame. When several
// appear, the one mapkind ranks highest gives the reason (a sync.Map or a
// decoder calling mapassign).
func (a *attributor) fromStack(below []frame) (Kind, []Evidence, string) {
	var best Kind
	sawRuntime := false
	for _, f := range below {
		if mapkind.Rank(f.kind) > mapkind.Rank(best) {
			best = f.kind
		}
		sawRuntime = sawRuntime || f.runtime
	}
	if best != "" {
		return best, []Evidence{FromStack}, ""
	}
	if sawRuntime && below[0].runtime {
		// The profile kept the runtime frames (mapwatch, godeltaprof)
		// and none of them is map code: not map storage.
		return NonMap, []Evidence{FromStack}, ""
	}
	return Unknown, nil, ""
}

// rootOf returns the outermost function of a stack that is not the
// runtime's: the entry of the goroutine that allocated (a go statement's
// function, or main.main).
func rootOf(stack []frame) string {
	for i := len(stack) - 1; i >= 0; i-- {
		if !stack[i].runtime {
			return stack[i].fn
		}
	}
	return ""
}

func firstNonRuntime(stack []frame) frame {
	for _, f := range stack {
		if !f.runtime {
			return f
		}
	}
	return stack[len(stack)-1]
}

func (a *attributor) callee(loc *profile.Location) calleeResult {
	if r, ok := a.callees[loc.ID]; ok {
		return r
	}
	var r calleeResult
	if name, ok := a.opt.Binary.Callee(loc); ok {
		r.name = name
		r.kind, r.ok = mapkind.OfCallee(name)
	}
	a.callees[loc.ID] = r
	return r
}

func (a *attributor) sourceLine(f frame) *Line {
	k := lineKey{f.fn, f.file, f.line}
	r, ok := a.lines[k]
	if !ok {
		r.line, r.err = a.opt.Source.Line(f.fn, f.file, f.line)
		a.lines[k] = r
		if r.line != nil || r.err != nil && !isOutside(r.err) {
			a.res.SourceChecked++
		}
		if r.err != nil && !isOutside(r.err) {
			a.res.SourceMismatched++
			a.srcErrs[r.err.Error()] = true
		}
	}
	return r.line
}

// ErrOutside marks source errors for frames outside the module, which are
// expected and not mismatches. Source implementations wrap it.
var ErrOutside = errors.New("outside the module")

func isOutside(err error) bool { return errors.Is(err, ErrOutside) }

// kindFromOps decides a kind from a line's operations alone. A line with
// both map operations and other allocations (m[k] = &T{}) cannot be split
// by the source: that takes the binary or the block size. A call does not
// allocate at the line that makes it: what a callee allocates carries the
// callee's frame (an inlined callee keeps its own as an inline frame), so
// only what the line itself builds for the call (an interface conversion,
// a closure, a variadic slice, reported as allocations of their own) can.
func kindFromOps(ops []Op) (Kind, string) {
	var mapKinds []Kind
	alloc, calls := false, false
	for _, op := range ops {
		switch op.Kind {
		case OpMapAssign:
			mapKinds = append(mapKinds, Grow)
		case OpMapMake, OpMapLiteral:
			mapKinds = append(mapKinds, Make)
		case OpMapClone:
			mapKinds = append(mapKinds, Clone)
		case OpMapDecode, OpMapReflect:
			mapKinds = append(mapKinds, Reflect)
		case OpSyncMap:
			mapKinds = append(mapKinds, SyncMap)
		case OpAlloc:
			alloc = true
		case OpCall, OpMapMethod:
			calls = true
		}
	}
	mapKinds = slices.Compact(mapKinds)
	switch {
	case len(mapKinds) == 0 && alloc:
		return NonMap, ""
	case len(mapKinds) == 0 && calls:
		return Unknown, "the line only calls functions, which allocate in frames of their own: the binary tells what allocated here"
	case len(mapKinds) == 0:
		return Unknown, "the source line has no allocation (does the source match the profile?)"
	case alloc:
		return Unknown, "the line allocates map storage and other values; -binary tells them apart"
	case len(mapKinds) > 1:
		return Unknown, "the line has several kinds of map operation; -binary tells them apart"
	}
	return mapKinds[0], ""
}

// mapMethod returns the line's call of a method of a named map type, if
// any.
func mapMethod(ops []Op) *Op {
	for i := range ops {
		if ops[i].Kind == OpMapMethod {
			return &ops[i]
		}
	}
	return nil
}

// opFor picks the source operation that names the map of a site of kind k.
func opFor(ops []Op, k Kind) *Op {
	want := map[Kind][]OpKind{
		Grow:    {OpMapAssign},
		Make:    {OpMapMake, OpMapLiteral},
		Clone:   {OpMapClone},
		Reflect: {OpMapDecode, OpMapReflect},
		SyncMap: {OpSyncMap},
	}[k]
	for i := range ops {
		if slices.Contains(want, ops[i].Kind) {
			return &ops[i]
		}
	}
	return nil
}

// site returns the site of user for kind, named by line: the user's own
// line, or, when ownerFrame is set, the line of the library frame that
// allocated (its map is the library's, reached from the user's line).
// own says the user's line itself called the allocator: only then must
// its source show the operation the kind says.
func (a *attributor) site(user frame, below []frame, kind Kind, ev []Evidence, note string, line *Line, ownerFrame frame, own bool) *Site {
	var op *Op
	if line != nil {
		op = opFor(line.Ops, kind)
		if kind == Grow && op == nil && ownerFrame.fn == "" {
			op = mapMethod(line.Ops) // s.Insert(k): s grows inside the method
		}
		// A literal filled by mapassign calls is initial sizing, not growth.
		if kind == Grow && op == nil {
			if lit := opFor(line.Ops, Make); lit != nil && lit.Kind == OpMapLiteral {
				kind, op = Make, lit
			}
		}
		if own && kind.IsMap() && kind != Reflect && kind != SyncMap && op == nil {
			note = fmt.Sprintf("the binary says %s but the source line has no such map operation (does the source match?)", kind)
		}
	}
	k := siteKey{fn: user.fn, file: user.file, line: user.line, kind: kind}
	if op != nil {
		k.mapExpr = op.Expr
		if ownerFrame.fn != "" {
			k.owner = fmt.Sprintf("%s:%d", ownerFrame.file, ownerFrame.line)
		}
	}
	s, ok := a.sites[k]
	if ok {
		return s
	}
	if op != nil {
		ev = appendUnique(ev, FromSource) // the source named the map
	}
	s = &Site{Function: user.fn, File: user.file, Line: user.line, Kind: kind, Evidence: ev, Note: note, Path: callPath(below), Foreign: !user.user && (a.opt.MainModule != "" || a.opt.Focus != nil)}
	if op != nil {
		s.Map, s.Type, s.Hint = op.Expr, op.Type, op.Hint
	}
	if ownerFrame.fn != "" && op != nil {
		s.Owner = &Owner{Function: ownerFrame.fn, File: ownerFrame.file, Line: ownerFrame.line, Module: line.Module, Version: line.Version}
	} else if line != nil {
		s.LoopLine, s.LoopTrips = line.LoopLine, line.LoopTrips
	}
	a.sites[k] = s
	return s
}

// callPath describes the way from the user frame to the allocation: the user
// function, the packages passed through, and the allocating function, as
// in "main.cacheDoc -> encoding/json -> reflect.mapassign_faststr0".
// Runtime frames are left out; they are the allocator, not the path.
func callPath(below []frame) []string {
	if len(below) < 2 {
		return nil
	}
	var out []string
	user := below[len(below)-1]
	out = append(out, user.fn)
	// Each package once, in the order first reached: recursion between
	// packages (sync -> internal/godebug -> sync) adds nothing to read.
	seen := map[string]bool{funcname.Package(user.fn): true}
	var leaf string
	for i := len(below) - 2; i >= 0; i-- {
		fn := below[i].fn
		if below[i].runtime {
			continue
		}
		leaf = fn
		if pkg := funcname.Package(fn); !seen[pkg] {
			out = append(out, pkg)
			seen[pkg] = true
		}
	}
	if leaf == "" {
		return nil
	}
	if out[len(out)-1] == funcname.Package(leaf) {
		out[len(out)-1] = leaf
	} else if leaf != user.fn {
		out = append(out, leaf)
	}
	return out
}

func appendUnique(ev []Evidence, e Evidence) []Evidence {
	if slices.Contains(ev, e) {
		return ev
	}
	return append(ev, e)
}
