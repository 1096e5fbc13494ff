package growonly

import (
	"cmp"
	_ "embed"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"reflect"
	"slices"
	"strings"

	"github.com/mapscope/mapscope/passes/internal/astutil"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/passes/inspect"
	"golang.org/x/tools/go/ast/inspector"
)

//go:embed doc.go
var doc string

// Analyzer reports package-level maps and map fields of long-lived types
// that are inserted into but never deleted from, cleared, replaced or
// bounded anywhere in the package.
var Analyzer = &analysis.Analyzer{
	Name:       "growonly",
	Doc:        astutil.MustExtractDoc(doc, "growonly"),
	URL:        "https://pkg.go.dev/github.com/mapscope/mapscope/passes/growonly",
	Requires:   []*analysis.Analyzer{inspect.Analyzer},
	Run:        run,
	ResultType: reflect.TypeOf((*Result)(nil)),
}

// appMode makes the analyzer treat every package as application code,
// as it always treats package main; see the package documentation.
var appMode bool

// appPackages lists the packages to treat as application code: import
// paths, or patterns ending in "/..." for a path and everything below
// it. mapscope lint fills it with the packages its services import.
var appPackages patternList

func init() {
	Analyzer.Flags.BoolVar(&appMode, "app", false,
		"treat every package as application code: also report exported maps, maps of exported or mutex-guarded types, memo caches and maps keyed by a caller's argument")
	Analyzer.Flags.Var(&appPackages, "apps",
		"comma-separated import paths (or path/... patterns) of the packages to treat as application code, as -app does for all (mapscope lint computes them: the packages its network services import)")
}

// patternList is a comma-separated list of import paths and path/...
// patterns; Set replaces the list.
type patternList []string

func (l *patternList) String() string { return strings.Join(*l, ",") }

func (l *patternList) Set(v string) error {
	*l = nil
	for p := range strings.SplitSeq(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*l = append(*l, p)
		}
	}
	return nil
}

func (l patternList) match(path string) bool {
	for _, p := range l {
		if prefix, ok := strings.CutSuffix(p, "/..."); ok {
			if path == prefix || strings.HasPrefix(path, prefix+"/") {
				return true
			}
		} else if path == p {
			return true
		}
	}
	return false
}

// tracked is one map variable or field whose every use in the package is
// examined.
type tracked struct {
	name    string // "sessions" or "Server.sessions", as the diagnostic says it
	field   bool
	syncMap bool
	owner   *types.TypeName // the struct type declaring a field

	firstInsert token.Pos // first insertion that counts, NoPos if none
	// released is true once any use shows the map may shrink, be
	// replaced or be handled by code the analyzer cannot see.
	released bool
	// onlyReplacedBy names the function that re-makes the map when the
	// configuration is applied, its only release.
	onlyReplacedBy string
	// onlyEmptiedBy names the function that empties the map when its
	// owner shuts down, its only release.
	onlyEmptiedBy string
	// callerKeys are the inserts left to the callers of the package
	// (callerkeys.go).
	callerKeys []callerInsert
	// storers are the functions with an insertion that counts or leaves
	// its key to the callers, each with its first one; releasers the
	// functions whose uses release the map; releasedOther is set when
	// something else releases it (an initialiser, an overwritten struct,
	// a bound). checkCancelOnly judges them.
	storers       map[*ast.FuncDecl]token.Pos
	releasers     map[*ast.FuncDecl]bool
	releasedOther bool
}

// storedBy records the insertion at cur in storers.
func (t *tracked) storedBy(cur inspector.Cursor) {
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		fd := enc.Node().(*ast.FuncDecl)
		if t.storers == nil {
			t.storers = make(map[*ast.FuncDecl]token.Pos)
		}
		if _, ok := t.storers[fd]; !ok {
			t.storers[fd] = cur.Node().Pos()
		}
		return
	}
}

// releasedBy marks the map released by the use at cur, in releasers.
func (t *tracked) releasedBy(cur inspector.Cursor) {
	t.released = true
	for enc := range cur.Enclosing((*ast.FuncDecl)(nil)) {
		if t.releasers == nil {
			t.releasers = make(map[*ast.FuncDecl]bool)
		}
		t.releasers[enc.Node().(*ast.FuncDecl)] = true
		return
	}
	t.releasedOther = true
}

// releasedElsewhere marks the map released by something other than a
// use in a function.
func (t *tracked) releasedElsewhere() {
	t.released = true
	t.releasedOther = true
}

// describe names the map as diagnostics do: "map sessions", "sync.Map
// field Server.peers".
func (t *tracked) describe() string {
	what := "map"
	if t.syncMap {
		what = "sync.Map"
	}
	if t.field {
		what += " field"
	}
	return what + " " + t.name
}

type checker struct {
	pass *analysis.Pass
	// app is set for package main and with -app: the package's callers,
	// if any, are part of the same program and do not own its maps.
	app bool
	// ownKeys is set for package main and with -app, not for the
	// packages -apps names: see insert.
	ownKeys bool
	tracked map[*types.Var]*tracked
	// freshLocals are local variables initialised with a newly allocated
	// value (&T{}, T{}, new(T), var x T): assigning their map fields is
	// creation, not replacement.
	freshLocals map[*types.Var]bool
	// initMethods are the methods called only on fresh locals (see
	// initializes), built on first use.
	initMethods map[*types.Func]bool
	// swept are the maps something in the package ranges over (see
	// sweptMaps), built on first use.
	swept map[types.Object]bool
	// onceFuncs are functions passed by name to sync.Once.Do and its
	// kin: they run once, like init.
	onceFuncs map[*types.Func]bool
	// enums are the named basic types with constants, built on first use.
	enums map[*types.TypeName]bool
	// params summarises what each function of the package does to its
	// map parameters and receivers.
	params map[*types.Var]effect
	// taint marks the local variables and parameters holding values that
	// came with a request or an event (see taint.go).
	taint map[*types.Var]taintMark
	// repeated are the package's functions called in a loop or a
	// callback, or used as values (see shutdown.go).
	repeated map[*types.Func]bool
	// configOnly are the functions called only from configuration code
	// (astutil.ConfigOnlyFuncs).
	configOnly map[*types.Func]bool
	// fetchParams are the parameters passed as the address of a network
	// fetch (see taint.go).
	fetchParams map[*types.Var]bool
	// siblingReported are the map fields checkSiblings reported, with a
	// better message than report's.
	siblingReported map[*types.Var]bool
	// result is what a driver that sees every package joins
	// (callerkeys.go).
	result *Result
}

func run(pass *analysis.Pass) (any, error) {
	// //mapscope:ignore and //nolint comments silence a finding.
	astutil.Suppress(pass)
	c := &checker{
		pass:        pass,
		app:         appMode || pass.Pkg.Name() == "main" || appPackages.match(pass.Pkg.Path()),
		ownKeys:     appMode || pass.Pkg.Name() == "main",
		tracked:     make(map[*types.Var]*tracked),
		freshLocals: make(map[*types.Var]bool),
		onceFuncs:   make(map[*types.Func]bool),
		result:      new(Result),
	}
	if astutil.TestSupportPackage(pass.Pkg) {
		return c.result, nil // test helpers do not run in production
	}
	if (pass.Pkg.Name() == "main" || !c.app) && !importsNet(pass.Pkg) {
		// A program that is not a network service runs to completion:
		// its grow-only maps are symbol tables, not leaks. Library code
		// that cannot reach the network is taken as part of such a
		// program (a compiler, a generator, a command-line tool). A
		// removal that forgets one of a value's paired maps leaks
		// wherever it runs.
		c.checkPaired(pass.ResultOf[inspect.Analyzer].(*inspector.Inspector))
		return c.result, nil
	}
	inspect := pass.ResultOf[inspect.Analyzer].(*inspector.Inspector)
	c.checkWrongKeys(inspect)
	c.checkKeySources(inspect)
	c.checkSiblings(inspect)
	c.checkLoopMaps(inspect)
	c.checkPaired(inspect)
	c.checkSweptBy(inspect)
	c.checkExitPaths(inspect)
	c.checkAbandoned(inspect)
	c.checkUndone(inspect)
	c.checkOverwrites(inspect)
	c.checkInnerOnly(inspect)
	c.collectCandidates()
	if len(c.tracked) == 0 {
		// Request data passed to another package's map is joined by the
		// driver (callerkeys.go).
		c.collectTaint(inspect)
		c.recordRequestCalls(inspect)
		return c.result, nil
	}
	for fileCur := range inspect.Root().Children() {
		file := fileCur.Node().(*ast.File)
		if astutil.IsTestFile(pass, file) {
			continue
		}
		astutil.AddFreshLocals(c.pass.TypesInfo, fileCur, c.freshLocals)
		c.collectOnceFuncs(fileCur)
	}
	// Functions only ever called at start-up (from init, a package
	// initialiser, a sync.Once, or another such function) run once too.
	astutil.CalledOnlyFrom(pass, inspect, c.onceFuncs, func(u inspector.Cursor) bool { return atInitTime(u) || c.runsOnce(u) })
	c.configOnly = astutil.ConfigOnlyFuncs(pass, inspect)
	c.summariseParams(inspect)
	c.collectTaint(inspect)
	c.collectFetchParams(inspect)
	for fileCur := range inspect.Root().Children() {
		file := fileCur.Node().(*ast.File)
		if astutil.IsTestFile(pass, file) {
			continue
		}
		c.scanFile(fileCur)
	}
	c.checkIneffectiveDeletes(inspect)
	c.checkCancelOnly()
	c.report()
	c.collectCallerKeys()
	c.recordRequestCalls(inspect)
	return c.result, nil
}

// importsNet reports whether package net is among the transitive imports
// of pkg; for package main that is the whole program.
func importsNet(pkg *types.Package) bool {
	seen := make(map[*types.Package]bool)
	var walk func(p *types.Package) bool
	walk = func(p *types.Package) bool {
		if p.Path() == "net" {
			return true
		}
		if seen[p] {
			return false
		}
		seen[p] = true
		for _, imp := range p.Imports() {
			if walk(imp) {
				return true
			}
		}
		return false
	}
	return walk(pkg)
}

const (
	// Ordered: a function's effect on a parameter is the largest of its
	// uses' effects.
	effectNone    effect = iota // the callee only reads the map
	effectInsert                // it inserts, and neither deletes nor keeps it
	effectRelease               // it may delete from, replace or keep the map
	effectLen
)

const (
	notMap kindOfMap = iota
	builtinMapKind
	syncMapKind
)

func (c *checker) report() {
	var found []*tracked
	for v, t := range c.tracked {
		if !t.released && t.firstInsert.IsValid() && !c.siblingReported[v] {
			found = append(found, t)
		}
	}
	slices.SortFunc(found, func(a, b *tracked) int { return cmp.Compare(a.firstInsert, b.firstInsert) })
	for _, t := range found {
		what := t.describe()
		d := analysis.Diagnostic{
			Pos:     t.firstInsert,
			Message: fmt.Sprintf("%s only grows: nothing in the package deletes from it, clears it or replaces it", what),
		}
		if t.onlyEmptiedBy != "" {
			d.Message = fmt.Sprintf("%s only grows while its owner runs: only %s empties it, when it shuts down, and nothing else deletes from it", what, t.onlyEmptiedBy)
		}
		if t.onlyReplacedBy != "" {
			d.Message = fmt.Sprintf("%s only grows between configuration reloads: only %s replaces it, and nothing deletes from it", what, t.onlyReplacedBy)
		}
		c.pass.Report(d)
	}
}
