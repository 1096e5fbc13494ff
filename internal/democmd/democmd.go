// Package democmd implements "mapscope demo": build the example service,
// start it, watch it, and name its leaking map.
package democmd

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/mapscope/mapscope/examples"
	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/heap"
	"github.com/mapscope/mapscope/internal/trendcmd"
	"github.com/mapscope/mapscope/internal/watchcmd"
)

// Cmd is the "demo" subcommand.
var Cmd = &base.Command{
	Name:      "demo",
	UsageLine: "demo [-duration D] [-interval D] [-load N] [-keep] [-json] [-html FILE]",
	Short:     "watch a bundled example service and name its leaking map",
	Long: `
Demo shows what mapscope is for in half a minute. It builds the example
service (examples/catalog: a product catalog behind a per-client rate
limiter that never forgets a client, beside a bounded page cache, a big
static table, per-request maps and a leak that is not a map), starts it on
127.0.0.1 with traffic of its own, and watches it as "mapscope watch"
would, with the service's binary and source as evidence. At the end it
prints the report: the leaking map first, with its line, name, type and
what to do about it.

It needs the go command (to build the service; the first build compiles
the standard library's packages it uses and takes longer). The service,
its snapshots and its source are in a temporary directory, removed at the
end unless -keep.
`,
	Flags: flags,
	Run:   run,
}

var (
	flags        = base.NewFlagSet("demo")
	flagDuration = flags.Duration("duration", 30*time.Second, "watch the service for `duration`: duration/interval+1 snapshots, however long a busy machine takes to take them")
	flagInterval = flags.Duration("interval", 2*time.Second, "take a snapshot every `duration`")
	flagLoad     = flags.Int("load", 3000, "the service's own traffic, in `requests` a second")
	flagKeep     = flags.Bool("keep", false, "keep the temporary directory (service, source, snapshots)")
	flagJSON     = flags.Bool("json", false, "print the final report as JSON")
	flagHTML     = flags.String("html", "", "write the final report as HTML to `file`")
)

func run(ctx context.Context, cmd *base.Command, args []string) error {
	if len(args) != 0 {
		return base.Usagef("demo: takes no arguments")
	}
	if *flagDuration <= 0 || *flagInterval <= 0 || *flagLoad <= 0 {
		return base.Usagef("demo: -duration, -interval and -load must be positive")
	}
	work, err := os.MkdirTemp("", "mapscope-demo-")
	if err != nil {
		return err
	}
	if *flagKeep {
		fmt.Fprintf(cmd.Stderr, "mapscope demo: keeping %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}
	say := func(format string, a ...any) { fmt.Fprintf(cmd.Stderr, "mapscope demo: "+format+"\n", a...) }

	say("building the example service (examples/catalog)")
	src := filepath.Join(work, "catalog")
	exe, err := build(ctx, src)
	if err != nil {
		return err
	}
	addr, stop, err := start(ctx, exe, *flagLoad)
	if err != nil {
		return err
	}
	defer stop()
	say("the service runs at %s with %d requests a second of its own; watching it for %s: %d snapshots, one every %s", addr, *flagLoad, *flagDuration, int(*flagDuration / *flagInterval)+1, *flagInterval)

	// The demo takes as many snapshots as -duration and -interval say,
	// however long they take: on a busy machine the first one, which
	// loads the source, and each after it can take seconds, and a watch
	// bounded by time alone then ends with too few snapshots to tell a
	// leak (7 instead of 21 in one run on two shared cores). Three times
	// the duration bounds it all the same.
	w := &watchcmd.Watch{
		Target:    addr,
		Dir:       filepath.Join(work, "snapshots"),
		Interval:  *flagInterval,
		Snapshots: int(*flagDuration / *flagInterval) + 1,
		Duration:  3 * *flagDuration,
		Timeout:   10 * time.Second,
		GC:        true,
		Evidence:  heap.Config{Binary: exe, Source: src},
		Top:       5,
		Out:       cmd.Stderr,
	}
	rep, err := w.Run(ctx)
	stop()
	if err != nil {
		return err
	}
	if err := trendcmd.Write(cmd.Stdout, rep, trendcmd.Output{JSON: *flagJSON, HTML: *flagHTML, Top: 5}); err != nil {
		return err
	}
	if !*flagJSON {
		fmt.Fprintf(cmd.Stdout, "\nWatch a service of your own (it must import net/http/pprof):\n\n\tmapscope watch -binary ./yourservice -source . http://127.0.0.1:6060\n")
	}
	return nil
}

// build writes the example's source into dir as a module of its own and
// builds it there.
func build(ctx context.Context, dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return "", err
	}
	err := fs.WalkDir(examples.Catalog, "catalog", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := examples.Catalog.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o644)
	})
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/catalog\n\ngo 1.21\n"), 0o644); err != nil {
		return "", err
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("demo builds the example service with the go command, which is not on PATH")
	}
	exe := filepath.Join(dir, "catalog")
	c := exec.CommandContext(ctx, gocmd, "build", "-o", exe, ".")
	c.Dir = dir
	c.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=false", "GOPROXY=off")
	if out, err := c.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the example service: %v\n%s", err, out)
	}
	return exe, nil
}

// start runs the service and returns its address, from the first line it
// prints, and a func that stops it.
func start(ctx context.Context, exe string, load int) (addr string, stop func(), err error) {
	c := exec.Command(exe, "-addr", "127.0.0.1:0", "-load", fmt.Sprint(load))
	out, err := c.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	c.Stderr = io.Discard
	if err := c.Start(); err != nil {
		return "", nil, fmt.Errorf("starting the example service: %v", err)
	}
	stopped := false
	stop = func() {
		if !stopped {
			stopped = true
			c.Process.Kill()
			c.Wait()
		}
	}
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		if sc.Scan() {
			line <- sc.Text()
		}
		close(line)
		io.Copy(io.Discard, out)
	}()
	select {
	case l, ok := <-line:
		if a, found := strings.CutPrefix(l, "listening on "); ok && found {
			return a, stop, nil
		}
		stop()
		return "", nil, fmt.Errorf("the example service did not say where it listens (it said %q)", l)
	case <-time.After(30 * time.Second):
		stop()
		return "", nil, fmt.Errorf("the example service did not start within 30s")
	case <-ctx.Done():
		stop()
		return "", nil, ctx.Err()
	}
}
