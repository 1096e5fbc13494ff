// Package lintcmd implements "mapscope lint": the mapscope analyzers run
// in-process over Go packages, the way go vet runs its own.
package lintcmd

import (
	"context"
	"flag"
	"fmt"
	"go/ast"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/fetch"
	"github.com/mapscope/mapscope/suite"
)

// Cmd is the "lint" subcommand.
var Cmd = &base.Command{
	Name:      "lint",
	UsageLine: "lint [-fix] [-json] [-profile CPU.pprof|URL|off] [-generated] [-test=false] [-NAME[=false]] [-NAME.flag] PACKAGES",
	Short:     "report code that grows, bloats or never frees a map",
	Long: `
Lint runs mapscope's static analyzers on the named packages, given as
go list patterns ("./...", "example.com/app/server"), and prints one line
per finding: "file:line:col: message". The analyzers are:

	mapprealloc  a map made without a size hint, then filled by a loop
	             whose length is known before it starts
	mapclear     a package-level or field map emptied by deleting every
	             key or by clear, which keeps all of its memory
	growonly     a package-level or field map that is inserted into but
	             never deleted from, cleared or replaced
	poolmap      a value put back into a sync.Pool with a map that is not
	             reset, or reset without a size bound

"mapscope help lint" and docs/lint.md describe each report and its fix.

Lint lists the packages and their dependencies with the go command (go
list; nothing is compiled) and type-checks them in this process: the named
packages fully, their dependencies for their types only, without function
bodies. It needs the go command on PATH, and honours GOFLAGS, GOOS, GOARCH
and build tags the way go list does. Test files are loaded too unless
-test=false, as go vet does; a package with in-package tests is analyzed
once, through its test variant. No analyzer looks inside test functions
(tests grow maps on purpose, and their memory never reaches production),
so their bodies are not type-checked.

The packages of the module that one of its network services (a main
package that imports net, directly or not) is built from are application
code: growonly reports their exported maps and mutex-guarded fields too,
as -growonly.app does for every package, and keys chosen by their callers
when those keys came with a request or an event (a handler's argument,
what a goroutine's loop receives), followed at most two calls. A key a
handler of another package passes in (main calling store.Add(r.URL.Path),
directly or through an interface) is reported at that call, naming the
map it grows.

Every analyzer can be switched off by name, -mapclear=false, or run alone,
-mapclear, as in go vet. A finding is silenced by a comment on its line or
alone on the line above, with a reason:

	//mapscope:ignore growonly the keys are the configured upstreams

//nolint:growonly (golangci-lint's form, "mapscope" for every analyzer)
and //lint:ignore growonly reason (staticcheck's form) work too.

Whether a missing size hint is worth a change depends on how often the
map is filled and how large it gets, which the code rarely says: a map
of a listener's four protocols never grows, one of an alert's labels
grows on every API request. With -profile FILE, a CPU profile of the
program (the default.pgo of profile-guided optimization, or any
/debug/pprof/profile of the service built from this source), mapprealloc's
findings are kept only where the profile charges map growth to the lines
that fill the map, and each says how much CPU time that growth took.
-profile may also be the http(s) URL of the running service: lint records
a CPU profile from it (host:port alone means /debug/pprof/profile; 30
seconds, or the URL's seconds=N) while the packages load. The
other analyzers' findings are not affected. Code the profile did not
exercise is not shown: the profile speaks for the workload it recorded.
As go build does for profile-guided optimization, lint uses the
default.pgo file of each main package it lints when -profile is not
given, and says so; -profile=off ignores them.

With -fix, lint applies the suggested fixes it is certain of (a size hint,
clear in place of a range-delete loop) to the source files and formats
them; generated files ("Code generated ... DO NOT EDIT.") are left alone.
Findings in generated files are not reported at all unless -generated is
given, as golangci-lint does: they are fixed in the generator (a mock
generator's copy of its calls, a protobuf registry), not in the file.
Findings without a fix are still printed.

With -json, lint prints the findings as go vet -json does: an object keyed
by package import path, then by analyzer name, holding a list of
diagnostics with "posn", "end", "message" and "suggested_fixes".

Exit status: 0 when there is nothing to report; 1 when there are findings
(like go vet; with -fix, only findings left without a fix count; with
-json the findings are data and the status is 0, like go vet -json);
2 for bad flags and for packages that cannot be loaded: a pattern that
matches no package, a missing import, or code that does not parse or
type-check. Those errors are printed as "file:line:col: message", and
every other package is still analyzed and its findings printed.
`,
	Flags: flags,
	Run:   run,
}

var (
	flags    = base.NewFlagSet("lint")
	fixFlag  = flags.Bool("fix", false, "apply suggested fixes to the source files")
	jsonFlag = flags.Bool("json", false, "print findings as JSON, in the shape of go vet -json")
	testFlag = flags.Bool("test", true, "load test files and test packages too")
	genFlag  = flags.Bool("generated", false, "also report findings in generated files (\"Code generated ... DO NOT EDIT.\"), which -fix never edits")
	profFlag = flags.String("profile", "", "keep only the mapprealloc findings whose map grows in this CPU profile of the program, a file or the running program's http(s) URL (default: the main packages' default.pgo, if any; off: none)")
	// enabled holds the -NAME switch of every analyzer, as go vet has.
	enabled = make(map[string]*triState)
)

// Analyzer flags are offered as -analyzer.flag, as go vet and
// multichecker spell them (-growonly.app), and every analyzer can be
// switched on or off by name (-mapclear=false), as in go vet.
func init() {
	for _, a := range suite.Analyzers {
		t := new(triState)
		enabled[a.Name] = t
		flags.Var(t, a.Name, "enable "+a.Name+" analysis")
		a.Flags.VisitAll(func(f *flag.Flag) {
			flags.Var(f.Value, a.Name+"."+f.Name, f.Usage)
		})
	}
}

// triState is an analyzer switch: unset, true or false. As in go vet,
// naming analyzers with -NAME (=true) runs only those; -NAME=false runs
// all but those.
type triState int

const (
	unset triState = iota
	setTrue
	setFalse
)

func (t *triState) String() string {
	switch *t {
	case setTrue:
		return "true"
	case setFalse:
		return "false"
	}
	return ""
}

func (t *triState) Set(v string) error {
	b, err := strconv.ParseBool(v)
	if err != nil {
		return err
	}
	*t = setFalse
	if b {
		*t = setTrue
	}
	return nil
}

func (t *triState) IsBoolFlag() bool { return true }

// selectedAnalyzers applies the -NAME switches to the suite.
func selectedAnalyzers() []*analysis.Analyzer {
	only := false
	for _, t := range enabled {
		only = only || *t == setTrue
	}
	var out []*analysis.Analyzer
	for _, a := range suite.Analyzers {
		switch t := *enabled[a.Name]; {
		case only && t == setTrue, !only && t != setFalse:
			out = append(out, a)
		}
	}
	return out
}

func run(ctx context.Context, cmd *base.Command, args []string) error {
	if len(args) == 0 {
		return base.Usagef("lint: no packages named; try \"mapscope lint ./...\"")
	}
	if *fixFlag && *jsonFlag {
		return base.Usagef("lint: -fix and -json cannot be used together")
	}
	analyzers := selectedAnalyzers()
	if len(analyzers) == 0 {
		return base.Usagef("lint: every analyzer is switched off")
	}
	if os.Getenv("GOGC") == "" {
		// The dependencies' types stay live to the end of the run, so the
		// heap only grows, and at the default GOGC=100 the peak is twice
		// what is live: 1.1 GB for 0.4 GB live on prometheus/prometheus.
		// Collecting at half again the live heap costs about a fifth more
		// CPU and a third less peak RSS (docs/bench/lint.md).
		defer debug.SetGCPercent(debug.SetGCPercent(50))
	}
	stdout, stderr := cmd.Stdout, cmd.Stderr
	var prof *growthProfile
	var rec *recording // a profile recorded from a URL while the packages load
	switch name := *profFlag; {
	case name == "" || name == "off":
	case isProfileURL(name):
		fmt.Fprintf(stderr, "mapscope lint: recording %d s of CPU profile from %s while the packages load\n", recordSeconds(name), fetch.Redact(name))
		rec, ctx = startRecording(ctx, name)
		defer rec.stop()
	default:
		var err error
		if prof, err = readGrowthProfile(ctx, name); err != nil {
			return err
		}
	}
	l, err := list(ctx, args, *testFlag)
	if rec != nil && err != nil {
		// Report the recording's error if it is what stopped the load.
		if _, perr := rec.wait(ctx.Err() == nil); perr != nil {
			return perr
		}
	}
	if err != nil {
		return &base.ExitError{Code: base.ExitUsage, Err: fmt.Errorf("lint: %w", err)}
	}
	if *profFlag == "" {
		// As go build does, use the main packages' default.pgo.
		if prof, err = pgoProfiles(ctx, l.roots); err != nil {
			return err
		}
		if prof != nil {
			fmt.Fprintf(stderr, "mapscope lint: using %s, as go build does (-profile=off ignores it)\n", prof.name())
		}
	}
	findings, err := analyze(ctx, analyzers, l)
	if rec != nil {
		// Nothing to lint (a pattern that matches no package): the
		// profile would filter nothing, so do not wait for it.
		nothing := !slices.ContainsFunc(l.roots, func(p *packages.Package) bool { return len(p.GoFiles) > 0 })
		var perr error
		if prof, perr = rec.wait(nothing); perr != nil {
			return perr
		}
	}
	if err != nil {
		return err
	}
	if prof != nil {
		if findings, err = prof.filter(stderr, findings, l.roots); err != nil {
			return err
		}
	}
	loadErrors := l.errors()
	for _, msg := range loadErrors {
		fmt.Fprintln(stderr, msg)
	}
	// Packages that could not be loaded are reported, and the others
	// analyzed: one stale test file must not hide a whole module.
	loadErr := func() error {
		if len(loadErrors) == 0 {
			return nil
		}
		return &base.ExitError{Code: base.ExitUsage, Err: fmt.Errorf("lint: %d error(s) loading packages", len(loadErrors))}
	}
	if *jsonFlag {
		if err := printJSON(stdout, findings); err != nil {
			return fmt.Errorf("lint: %w", err)
		}
		return loadErr()
	}
	remaining := findings
	if *fixFlag {
		var report fixReport
		remaining, report, err = applyFixes(findings)
		if err != nil {
			return fmt.Errorf("lint: %w", err)
		}
		if report.fixes > 0 {
			fmt.Fprintf(stderr, "mapscope lint: applied %d fix(es) in %d file(s)\n", report.fixes, report.files)
		}
	}
	wd, _ := os.Getwd()
	for _, f := range remaining {
		fmt.Fprintf(stdout, "%s:%d:%d: %s\n", displayPath(wd, f.posn.Filename), f.posn.Line, f.posn.Column, f.message)
	}
	if err := loadErr(); err != nil {
		return err
	}
	if len(remaining) > 0 {
		return &base.ExitError{Code: base.ExitFailure}
	}
	return nil
}

// analyze type-checks the listed packages and runs the analyzers on each
// root as soon as it is checked, with growonly told which packages are
// application code, and returns the findings in file order, each once.
// A root's syntax and type information are dropped once it is analyzed.
func analyze(ctx context.Context, analyzers []*analysis.Analyzer, l *loaded) ([]finding, error) {
	restore, err := markApplications(l.all)
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	defer restore()
	var (
		mu        sync.Mutex
		findings  []finding
		joins     callerKeyJoin
		firstErr  error
		generated = make(map[string]bool)
	)
	err = l.checkAndAnalyze(ctx, func(p *packages.Package) {
		graph, err := checker.Analyze(analyzers, []*packages.Package{p}, nil)
		if err == nil {
			err = analyzerErrors(graph)
		}
		gen := generatedFiles(p)
		var found []finding
		if err == nil {
			found = collect(graph, editableFiles(p, gen))
		}
		p.Syntax, p.TypesInfo = nil, nil
		mu.Lock()
		defer mu.Unlock()
		for name := range gen {
			generated[name] = true
		}
		if err != nil && firstErr == nil {
			firstErr = err
		}
		findings = append(findings, found...)
		if err == nil {
			joins.add(graph, p)
		}
	})
	if err == nil {
		err = firstErr
	}
	if err != nil {
		return nil, fmt.Errorf("lint: %w", err)
	}
	findings = append(findings, joins.findings()...)
	if !*genFlag {
		// A generated file is fixed in its generator, not where the
		// finding points: a counterfeiter mock's copy of its calls says
		// nothing a team can act on (8 of syncthing v1.30.0's 22 findings).
		findings = slices.DeleteFunc(findings, func(f finding) bool { return generated[f.posn.Filename] })
	}
	return dedupe(findings), nil
}

// generatedFiles returns the names of p's files that say they are
// generated ("Code generated ... DO NOT EDIT.").
func generatedFiles(p *packages.Package) map[string]bool {
	gen := make(map[string]bool)
	for _, file := range p.Syntax {
		if ast.IsGenerated(file) {
			gen[p.Fset.File(file.Pos()).Name()] = true
		}
	}
	return gen
}

// editableFiles returns the files of p that -fix may edit: its own Go
// files (not cgo output), minus the generated files, whose generator
// would undo the edit.
func editableFiles(p *packages.Package, generated map[string]bool) map[string]bool {
	own := make(map[string]bool, len(p.GoFiles))
	for _, name := range p.GoFiles {
		if !generated[name] {
			own[name] = true
		}
	}
	return own
}

// analyzerErrors returns the first failure of an analyzer, which is a bug
// in mapscope rather than in the code under analysis.
func analyzerErrors(graph *checker.Graph) error {
	for act := range graph.All() {
		if act.Err != nil {
			return fmt.Errorf("analyzer %s failed on %s: %w", act.Analyzer.Name, act.Package.PkgPath, act.Err)
		}
	}
	return nil
}

// A finding is one diagnostic of a root package, with its position
// resolved.
type finding struct {
	analyzer *analysis.Analyzer
	posn     positionKey
	message  string
	diag     analysis.Diagnostic
	pkg      *packages.Package
	// editable are the files of the package -fix may change.
	editable map[string]bool
}

type positionKey struct {
	Filename     string
	Line, Column int
	Offset       int
}

func collect(graph *checker.Graph, editable map[string]bool) []finding {
	var out []finding
	for _, act := range graph.Roots {
		for _, d := range act.Diagnostics {
			p := act.Package.Fset.Position(d.Pos)
			pk := positionKey{p.Filename, p.Line, p.Column, p.Offset}
			out = append(out, finding{analyzer: act.Analyzer, posn: pk, message: d.Message, diag: d, pkg: act.Package, editable: editable})
		}
	}
	return out
}

// dedupe sorts findings by position and drops repeats: a package and its
// test variant, when both were analyzed, report the same finding.
func dedupe(findings []finding) []finding {
	sort.SliceStable(findings, func(i, j int) bool {
		a, b := findings[i].posn, findings[j].posn
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Offset != b.Offset {
			return a.Offset < b.Offset
		}
		return findings[i].analyzer.Name < findings[j].analyzer.Name
	})
	type key struct {
		posn     positionKey
		analyzer string
		message  string
	}
	seen := make(map[key]bool)
	out := findings[:0]
	for _, f := range findings {
		k := key{f.posn, f.analyzer.Name, f.message}
		if !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// displayPath shortens filenames under the working directory to the
// "./dir/file.go" form go vet prints.
func displayPath(wd, name string) string {
	if wd == "" {
		return name
	}
	rel, err := filepath.Rel(wd, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return name
	}
	return "." + string(filepath.Separator) + rel
}
