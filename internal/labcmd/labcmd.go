// Package labcmd implements "mapscope lab": experiments that check claims
// about Go maps against the runtime, one child process per experiment.
package labcmd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/lab"
)

// Cmd is the "lab" subcommand.
var Cmd = &base.Command{
	Name:      "lab",
	UsageLine: "lab [-json | -md] [-go VERSIONS] [-v] [EXPERIMENT...]",
	Short:     "check claims about Go maps against the runtime",
	Long: `
Lab runs short experiments, each in a child process built for the purpose,
and prints for each claim what it predicts, what was measured and the
verdict: whether the claim holds on this Go. Figures are measured, never
written in: heap bytes after a full GC, RSS from /proc, allocation counts,
profiles written by the child.

The experiments, by name (all run when none is named):

` + experimentList() + `
docs/lab.md describes each experiment's method and verdict rule.

The child is built with the go command on PATH, once per toolchain, in a
module of its own that needs Go 1.21; GOFLAGS, GOOS, GOARCH, GOEXPERIMENT
and cgo are ignored, so the figures are those of a default build. Each
child runs without GOGC, GOMEMLIMIT, GODEBUG and GOMAXPROCS for the same
reason.

-go go1.23.12,go1.26.8 runs every experiment with each of these
toolchains, fetched through the module proxy as the go command does
(GOTOOLCHAIN=go1.23.12 go build ...), with one verdict column per version.
"local" names the go command's own toolchain. A toolchain that cannot be
fetched stops the lab before any experiment runs.

The recover-catches-concurrent-writes child dies of a fatal error: that is
its result. A child that dies otherwise, hangs or prints no figures is
reported with the tail of its output, and the lab goes on.

-json prints the results as JSON (schema in docs/json.md); -md prints them
as the markdown of docs/facts.md.

Exit status is 0 when every experiment was measured, 1 when one could not
be (or no go command was found), and 2 for bad flags, an unknown
experiment or a toolchain that cannot be fetched.
`,
	Flags: base.NewFlagSet("lab"),
}

func init() { Cmd.Run = run }

var (
	flagJSON    = Cmd.Flags.Bool("json", false, "print JSON (schema in docs/json.md)")
	flagMD      = Cmd.Flags.Bool("md", false, "print markdown, as docs/facts.md holds it")
	flagGo      = Cmd.Flags.String("go", "", "comma-separated Go `versions` to run with, e.g. go1.23.12,go1.26.8 (default: the go command's own)")
	flagVerbose = Cmd.Flags.Bool("v", false, "print progress on stderr")
)

func experimentList() string {
	var b strings.Builder
	for _, e := range lab.Experiments() {
		fmt.Fprintf(&b, "\t%s\n\t    %s\n", e.Name, e.Claim)
	}
	return b.String()
}

func run(ctx context.Context, cmd *base.Command, args []string) error {
	if *flagJSON && *flagMD {
		return base.Usagef("lab: -json and -md exclude each other")
	}
	exps, err := selectExperiments(args)
	if err != nil {
		return err
	}
	toolchains, err := parseGo(*flagGo)
	if err != nil {
		return err
	}
	opt := lab.Options{Toolchains: toolchains, Experiments: exps}
	if *flagVerbose {
		opt.Progress = cmd.Stderr
	}
	rep, err := lab.Run(ctx, opt)
	var te *lab.ToolchainError
	switch {
	case errors.As(err, &te):
		return base.Usagef("lab: %v", err)
	case err != nil:
		return fmt.Errorf("lab: %w", err)
	}

	f := format{json: *flagJSON, md: *flagMD, byGo: *flagGo != "", command: commandLine(args)}
	return write(cmd.Stdout, rep, f)
}

// format says how to print a report.
type format struct {
	json, md bool
	byGo     bool   // -go was given: JSON carries by_go
	command  string // the command line that reproduces the markdown
}

// write prints rep as f says; the error it returns makes the exit status 1
// when an experiment could not be measured.
func write(w io.Writer, rep *lab.Report, f format) error {
	var err error
	switch {
	case f.json:
		err = writeJSON(w, rep, f.byGo)
	case f.md:
		err = writeMarkdown(w, rep, f.command)
	default:
		err = writeText(w, rep)
	}
	if err != nil {
		return err
	}
	if failed := rep.Failed(); len(failed) > 0 {
		return &base.ExitError{Code: base.ExitFailure, Err: fmt.Errorf("lab: %s", failedList(rep))}
	}
	return nil
}

// selectExperiments returns the experiments named by args, in report
// order, or all of them.
func selectExperiments(args []string) ([]*lab.Experiment, error) {
	if len(args) == 0 {
		return lab.Experiments(), nil
	}
	want := make(map[string]bool)
	for _, a := range args {
		if lab.Lookup(a) == nil {
			return nil, base.Usagef("lab: unknown experiment %q; experiments: %s", a, strings.Join(lab.Names(), ", "))
		}
		want[a] = true
	}
	var exps []*lab.Experiment
	for _, e := range lab.Experiments() {
		if want[e.Name] {
			exps = append(exps, e)
		}
	}
	return exps, nil
}

// parseGo splits -go into toolchain names, dropping repeats.
func parseGo(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var out []string
	seen := make(map[string]bool)
	for _, v := range strings.Split(s, ",") {
		name, err := lab.ParseToolchain(v)
		if err != nil {
			return nil, base.Usagef("lab: bad -go: %v", err)
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out, nil
}

// commandLine is the command that reproduces the markdown output.
func commandLine(args []string) string {
	parts := []string{"mapscope lab -md"}
	if *flagGo != "" {
		parts = append(parts, "-go "+*flagGo)
	}
	return strings.Join(append(parts, args...), " ")
}

// failedList names the experiments that could not be measured, for the
// error line: "2 experiments failed: churn-steady-bytes on go1.23.12, ...".
func failedList(rep *lab.Report) string {
	var names []string
	for _, row := range rep.Rows {
		for _, res := range row.Results {
			if res.Err != nil {
				names = append(names, row.Experiment.Name+" on "+res.Go)
			}
		}
	}
	noun := "experiment"
	if len(names) > 1 {
		noun += "s"
	}
	return fmt.Sprintf("%d %s could not be measured: %s", len(names), noun, strings.Join(names, ", "))
}
