// Command mapscope finds, explains and fixes memory problems caused by Go
// maps. Run "mapscope help" for the list of subcommands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/cpucmd"
	"github.com/mapscope/mapscope/internal/democmd"
	"github.com/mapscope/mapscope/internal/heapcmd"
	"github.com/mapscope/mapscope/internal/labcmd"
	"github.com/mapscope/mapscope/internal/lintcmd"
	"github.com/mapscope/mapscope/internal/tracecmd"
	"github.com/mapscope/mapscope/internal/trendcmd"
	"github.com/mapscope/mapscope/internal/watchcmd"
)

// commands lists every subcommand in the order "mapscope help" shows them.
var commands = []*base.Command{
	heapcmd.Cmd,
	trendcmd.Cmd,
	watchcmd.Cmd,
	democmd.Cmd,
	cpucmd.Cmd,
	tracecmd.Cmd,
	lintcmd.Cmd,
	labcmd.Cmd,
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		mainUsage(stderr)
		return base.ExitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "-help", "--help":
		return help(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "mapscope", version())
		return base.ExitOK
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "mapscope: unknown command %q; run 'mapscope help' for the list\n", name)
		return base.ExitUsage
	}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Flags.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			cmd.Usage(stdout)
			return base.ExitOK
		}
		fmt.Fprintf(stderr, "mapscope %s: %v\nusage: mapscope %s\nrun 'mapscope %s -h' for details\n", name, err, cmd.UsageLine, name)
		return base.ExitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// MAPSCOPE_CPUPROFILE=file profiles mapscope itself, for the
	// benchmarks in docs/benchmarks.md.
	if name := os.Getenv("MAPSCOPE_CPUPROFILE"); name != "" {
		if f, err := os.Create(name); err == nil {
			if pprof.StartCPUProfile(f) == nil {
				defer f.Close()
				defer pprof.StopCPUProfile()
			}
		}
	}
	err := cmd.Run(ctx, cmd, cmd.Flags.Args())
	if err != nil {
		if msg := base.Message(err); msg != "" {
			fmt.Fprintln(stderr, msg)
		}
	}
	return base.ExitCode(err)
}

func lookup(name string) *base.Command {
	for _, c := range commands {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func help(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		mainUsage(stdout)
		return base.ExitOK
	}
	cmd := lookup(args[0])
	if cmd == nil {
		fmt.Fprintf(stderr, "mapscope help: unknown command %q\n", args[0])
		return base.ExitUsage
	}
	cmd.Usage(stdout)
	return base.ExitOK
}

func mainUsage(w io.Writer) {
	fmt.Fprint(w, `mapscope finds, explains and fixes memory problems caused by Go maps.

Usage:

	mapscope <command> [flags] [arguments]

Commands:

`)
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-8s %s\n", c.Name, c.Short)
	}
	fmt.Fprint(w, `
	help     show help for a command
	version  print mapscope's version

Run "mapscope help <command>" for more about a command.
`)
}
