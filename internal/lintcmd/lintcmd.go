// Package lintcmd implements "mapscope lint": the mapscope analyzers run
// in-process over Go packages, the way go vet runs its own.
package lintcmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/suite"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// Cmd is the "lint" subcommand.
var Cmd = &base.Command{
	Name:      "lint",
	UsageLine: "lint [-fix] [-json] [-test=false] PACKAGES",
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

Lint loads the packages and all their dependencies from source with
go/packages and type-checks them once, in this process; it needs the go
command on PATH, and honours GOFLAGS, GOOS, GOARCH and build tags the way
go list does. Test packages are loaded too unless -test=false, as go vet
does; mapprealloc, mapclear and growonly skip _test.go files (tests grow
maps on purpose, and their memory never reaches production).

With -fix, lint applies the suggested fixes it is certain of (a size hint,
clear in place of a range-delete loop) to the source files and formats
them; generated files ("Code generated ... DO NOT EDIT.") are left alone.
Findings without a fix are still printed.

With -json, lint prints the findings as go vet -json does: an object keyed
by package ID, then by analyzer name, holding a list of diagnostics with
"posn", "end", "message" and "suggested_fixes".

Exit status: 0 when there is nothing to report; 1 when there are findings
(like go vet; with -fix, only findings left without a fix count; with
-json the findings are data and the status is 0, like go vet -json);
2 for bad flags and for packages that cannot be loaded: a pattern that
matches no package, a missing import, or code that does not parse or
type-check. Those errors are printed as go/packages reports them,
"file:line:col: message", and no analysis is run.
`,
	Flags: flags,
	Run:   run,
}

var (
	flags    = base.NewFlagSet("lint")
	fixFlag  = flags.Bool("fix", false, "apply suggested fixes to the source files")
	jsonFlag = flags.Bool("json", false, "print findings as JSON, in the shape of go vet -json")
	testFlag = flags.Bool("test", true, "load test files and test packages too")
)

// Analyzer flags are offered as -analyzer.flag, as go vet and
// multichecker spell them (-growonly.app).
func init() {
	for _, a := range suite.Analyzers {
		a.Flags.VisitAll(func(f *flag.Flag) {
			flags.Var(f.Value, a.Name+"."+f.Name, f.Usage)
		})
	}
}

func run(ctx context.Context, cmd *base.Command, args []string) error {
	if len(args) == 0 {
		return base.Usagef("lint: no packages named; try \"mapscope lint ./...\"")
	}
	if *fixFlag && *jsonFlag {
		return base.Usagef("lint: -fix and -json cannot be used together")
	}
	stdout, stderr := cmd.Stdout, cmd.Stderr
	pkgs, err := load(ctx, args, *testFlag)
	if err != nil {
		return &base.ExitError{Code: base.ExitUsage, Err: fmt.Errorf("lint: %w", err)}
	}
	if n := printLoadErrors(stderr, pkgs); n > 0 {
		return &base.ExitError{Code: base.ExitUsage, Err: fmt.Errorf("lint: %d error(s) loading packages", n)}
	}
	graph, err := checker.Analyze(suite.Analyzers, pkgs, nil)
	if err != nil {
		return fmt.Errorf("lint: %w", err)
	}
	if err := analyzerErrors(graph); err != nil {
		return err
	}
	if *jsonFlag {
		return graph.PrintJSON(stdout)
	}
	findings := collect(graph)
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
	if len(remaining) > 0 {
		return &base.ExitError{Code: base.ExitFailure}
	}
	return nil
}

// load type-checks the packages matching patterns and, from source, all
// their dependencies. Loading dependencies from source rather than from
// export data is what keeps a cold run fast: export data would have the go
// command compile every dependency first, which is most of go vet's time.
func load(ctx context.Context, patterns []string, tests bool) ([]*packages.Package, error) {
	cfg := &packages.Config{
		Context: ctx,
		Mode:    packages.LoadAllSyntax | packages.NeedModule,
		Tests:   tests,
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, err
	}
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no packages match %s", strings.Join(patterns, " "))
	}
	return pkgs, nil
}

// printLoadErrors prints the errors of every package in the import graph of
// pkgs as go/packages reports them, and returns how many there were.
func printLoadErrors(w io.Writer, pkgs []*packages.Package) int {
	n := 0
	seen := make(map[string]bool)
	packages.Visit(pkgs, nil, func(pkg *packages.Package) {
		for _, e := range pkg.Errors {
			msg := e.Error()
			if seen[msg] {
				continue // test variants repeat the errors of their package
			}
			seen[msg] = true
			fmt.Fprintln(w, msg)
			n++
		}
	})
	return n
}

// analyzerErrors returns the first failure of an analyzer, which is a bug
// in mapscope rather than in the code under analysis.
func analyzerErrors(graph *checker.Graph) error {
	for act := range graph.All() {
		if act.Err != nil {
			return fmt.Errorf("lint: analyzer %s failed on %s: %w", act.Analyzer.Name, act.Package.PkgPath, act.Err)
		}
	}
	return nil
}

// A finding is one diagnostic of a root package, with its position
// resolved, deduplicated across the test variants of a package.
type finding struct {
	analyzer *analysis.Analyzer
	posn     positionKey
	message  string
	diag     analysis.Diagnostic
	pkg      *packages.Package
}

type positionKey struct {
	Filename     string
	Line, Column int
	Offset       int
}

func collect(graph *checker.Graph) []finding {
	type key struct {
		posn     positionKey
		analyzer string
		message  string
	}
	seen := make(map[key]bool)
	var out []finding
	for _, act := range graph.Roots {
		for _, d := range act.Diagnostics {
			p := act.Package.Fset.Position(d.Pos)
			pk := positionKey{p.Filename, p.Line, p.Column, p.Offset}
			k := key{pk, act.Analyzer.Name, d.Message}
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, finding{analyzer: act.Analyzer, posn: pk, message: d.Message, diag: d, pkg: act.Package})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].posn, out[j].posn
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Offset != b.Offset {
			return a.Offset < b.Offset
		}
		return out[i].analyzer.Name < out[j].analyzer.Name
	})
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
