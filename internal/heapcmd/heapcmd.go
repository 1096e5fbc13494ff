// Package heapcmd implements "mapscope heap".
package heapcmd

import (
	"context"

	"github.com/mapscope/mapscope/internal/base"
)

// Cmd is the "heap" subcommand.
var Cmd = &base.Command{
	Name:      "heap",
	UsageLine: "heap [flags] PROFILE",
	Short:     "attribute map memory in a heap profile to source sites",
	Flags:     base.NewFlagSet("heap"),
	Run:       run,
}

func run(ctx context.Context, cmd *base.Command, args []string) error {
	if len(args) != 1 {
		return base.Usagef("heap: expected one PROFILE argument, got %d", len(args))
	}
	return nil
}
