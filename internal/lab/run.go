package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Options says what to run.
type Options struct {
	// Toolchains are the Go toolchains to run every experiment with, as
	// ParseToolchain returns them; empty means the go command's own.
	Toolchains []string
	// Experiments to run; empty means all.
	Experiments []*Experiment
	// Progress, when set, gets a line per step.
	Progress io.Writer
}

// A Report holds the results of a lab run.
type Report struct {
	// Go lists the toolchain versions in the order they were asked for.
	Go   []string
	Rows []Row
}

// A Row is one experiment's results, one per toolchain in Report.Go.
type Row struct {
	Experiment *Experiment
	Results    []Result
}

// A Result is one experiment run with one toolchain.
type Result struct {
	Go       string  // the toolchain's version, e.g. go1.26.8
	Holds    bool    // the verdict: whether the claim holds; false when Err is set
	Figures  Figures // what the child measured
	Measured string  // short human summary of Figures
	// Err is set when the experiment could not be measured: the child died
	// unexpectedly, hung, or printed no figures. Output holds the tail of
	// what it printed.
	Err      error
	Output   string
	Duration time.Duration
}

// Failed returns the results that could not be measured.
func (r *Report) Failed() []Result {
	var failed []Result
	for _, row := range r.Rows {
		for _, res := range row.Results {
			if res.Err != nil {
				failed = append(failed, res)
			}
		}
	}
	return failed
}

// Run builds the child with every toolchain, then runs every experiment
// with each, one child at a time so that no experiment's timing or RSS is
// disturbed by another's. A toolchain that cannot be fetched is a
// *ToolchainError and nothing runs; a child that fails is reported in its
// Result and the run goes on.
func Run(ctx context.Context, opt Options) (*Report, error) {
	gocmd, err := goCommand()
	if err != nil {
		return nil, err
	}
	names := opt.Toolchains
	if len(names) == 0 {
		names = []string{""}
	}
	exps := opt.Experiments
	if len(exps) == 0 {
		exps = all
	}
	dir, err := os.MkdirTemp("", "mapscope-lab-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	var tcs []*toolchain
	for _, name := range names {
		progress(opt.Progress, "building the child with %s", displayName(name))
		tc, err := prepare(ctx, gocmd, name, dir)
		if err != nil {
			return nil, err
		}
		tcs = append(tcs, tc)
	}

	rep := &Report{}
	for _, tc := range tcs {
		rep.Go = append(rep.Go, tc.version)
	}
	for _, e := range exps {
		row := Row{Experiment: e}
		for _, tc := range tcs {
			progress(opt.Progress, "%s: %s", tc.version, e.Name)
			res := runOne(ctx, tc, e, dir)
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			row.Results = append(row.Results, res)
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}

func displayName(name string) string {
	if name == "" {
		return "the go command's own toolchain"
	}
	return name
}

func progress(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, "lab: "+format+"\n", args...)
	}
}

// childRun is what one run of the child left.
type childRun struct {
	stdout, stderr []byte
	exitCode       int  // -1 when killed by a signal
	timedOut       bool // killed after the experiment's timeout
	timeout        time.Duration
	dir            string // the directory the child could write files to
	goVersion      string // the toolchain the child was built with
}

// childEnv is the environment of a child: the caller's, less the settings
// that change what the runtime does with memory, so the figures are those
// of a default program.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		switch key {
		case "GOGC", "GOMEMLIMIT", "GODEBUG", "GOMAXPROCS", "GOTRACEBACK", "GORACE":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// runOne runs experiment e with toolchain tc and judges it.
func runOne(ctx context.Context, tc *toolchain, e *Experiment, dir string) Result {
	res := Result{Go: tc.version}
	start := time.Now()
	r, err := runChild(ctx, tc, e, dir)
	res.Duration = time.Since(start)
	if err != nil {
		res.Err = err
		return res
	}
	measure := e.measure
	if measure == nil {
		measure = readFigures
	}
	fig, err := measure(r)
	if err == nil {
		err = checkFigures(fig, e.needs)
	}
	if err != nil {
		res.Err = err
		res.Output = tail(append(append([]byte(nil), r.stderr...), r.stdout...))
		return res
	}
	res.Figures = fig
	res.Holds = e.holds(fig)
	res.Measured = e.summary(fig)
	return res
}

// runChild runs the child for e in a directory of its own.
func runChild(ctx context.Context, tc *toolchain, e *Experiment, dir string) (*childRun, error) {
	work, err := os.MkdirTemp(dir, e.Name+"-")
	if err != nil {
		return nil, err
	}
	timeout := e.timeout
	if timeout == 0 {
		timeout = defaultTimeout
	}
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(cctx, tc.child, e.childName(), work)
	cmd.Dir, cmd.Env = work, childEnv()
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	r := &childRun{
		stdout:    stdout.Bytes(),
		stderr:    stderr.Bytes(),
		dir:       work,
		goVersion: tc.version,
		timeout:   timeout,
	}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case cctx.Err() != nil && ctx.Err() == nil:
		r.timedOut, r.exitCode = true, -1
	case errors.As(err, &exit):
		r.exitCode = exit.ExitCode()
	default:
		return nil, fmt.Errorf("running %s: %v", filepath.Base(tc.child), err)
	}
	return r, nil
}

// readFigures reads the figures a child printed, after checking that it
// finished normally and is the build it should be.
func readFigures(r *childRun) (Figures, error) {
	switch {
	case r.timedOut:
		return nil, fmt.Errorf("child did not finish in %v", r.timeout)
	case r.exitCode != 0:
		return nil, fmt.Errorf("child died unexpectedly (exit status %d): %s", r.exitCode, firstLine(string(r.stderr), "no output"))
	}
	var out struct {
		Go      string  `json:"go"`
		Figures Figures `json:"figures"`
	}
	if err := json.Unmarshal(r.stdout, &out); err != nil {
		return nil, fmt.Errorf("child printed no figures: %v", err)
	}
	if out.Go != r.goVersion {
		return nil, fmt.Errorf("child reports %s, not the %s it was built with", out.Go, r.goVersion)
	}
	if out.Figures == nil {
		return nil, errors.New("child printed no figures")
	}
	return out.Figures, nil
}

// tailLines and tailBytes bound the output a failed child's row carries.
const (
	tailLines = 20
	tailBytes = 4000
)

// tail returns the last lines of out.
func tail(out []byte) string {
	s := strings.TrimRight(string(out), "\n")
	lines := strings.Split(s, "\n")
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	s = strings.Join(lines, "\n")
	if len(s) > tailBytes {
		s = s[len(s)-tailBytes:]
	}
	return s
}
