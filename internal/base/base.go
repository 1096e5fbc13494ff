// Package base holds what every mapscope subcommand shares: the Command
// type, error values that decide the exit code, and flag helpers.
//
// It follows cmd/go/internal/base: a subcommand is a value, main wires the
// values together, and long help is prose that doubles as documentation.
package base

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Exit codes shared by all subcommands. DESIGN.md documents them.
const (
	ExitOK      = 0
	ExitFailure = 1 // a failure while running, not caused by the input
	ExitUsage   = 2 // bad flags or arguments, or an unreadable or wrong input
	ExitLeak    = 3 // -fail-on-leak and a leak was found
)

// A Command is one mapscope subcommand.
type Command struct {
	// Name is the word after "mapscope" that selects the command.
	Name string
	// UsageLine is the one-line synopsis, without the leading "mapscope".
	UsageLine string
	// Short is a one-line description for the command list.
	Short string
	// Long is the prose printed by "mapscope help NAME" and -h.
	Long string
	// Flags holds the command's flags; Run sees them parsed.
	Flags *flag.FlagSet
	// Run runs the command with the arguments left after the flags.
	// Output goes to Stdout, progress and warnings to Stderr (both set by
	// main before Run); errors are returned, never printed.
	Run func(ctx context.Context, cmd *Command, args []string) error

	Stdout io.Writer
	Stderr io.Writer
}

// NewFlagSet returns an empty flag set for a command named name whose
// errors are returned rather than printed, so main decides how to report them.
func NewFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// Usage writes the command's usage line, long help and flags to w.
func (c *Command) Usage(w io.Writer) {
	fmt.Fprintf(w, "usage: mapscope %s\n\n", c.UsageLine)
	fmt.Fprintln(w, strings.TrimSpace(c.Long))
	if c.Flags == nil {
		return
	}
	var n int
	c.Flags.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintln(w, "\nFlags:")
	c.Flags.SetOutput(w)
	c.Flags.PrintDefaults()
	c.Flags.SetOutput(io.Discard)
}

// UsageError reports bad flags or arguments; it exits with ExitUsage.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef returns a UsageError with a formatted message.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Errorf(format, args...)}
}

// InputError reports an input that cannot be used: a file that is missing,
// truncated or of the wrong kind. It exits with ExitUsage and its message
// names the input.
type InputError struct {
	Name string // the file or URL
	Err  error
}

// Error names the input once: errors from packages that already name it
// (binfile, srcline, os) are not prefixed again.
func (e *InputError) Error() string {
	msg := e.Err.Error()
	if e.Name != "" && strings.Contains(msg, e.Name) {
		return msg
	}
	return e.Name + ": " + msg
}
func (e *InputError) Unwrap() error { return e.Err }

// Inputf returns an InputError for name with a formatted message.
func Inputf(name, format string, args ...any) error {
	return &InputError{Name: name, Err: fmt.Errorf(format, args...)}
}

// ExitError carries a specific exit code without a message of its own,
// for results such as "a leak was found" that are not failures to run.
type ExitError struct {
	Code int
	Err  error // optional; printed when not nil
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}
func (e *ExitError) Unwrap() error { return e.Err }

// ExitCode maps an error returned by Run to the process exit code.
func ExitCode(err error) int {
	var exit *ExitError
	var usage *UsageError
	var input *InputError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &exit):
		return exit.Code
	case errors.As(err, &usage), errors.As(err, &input):
		return ExitUsage
	}
	return ExitFailure
}

// Message returns the one line main prints for err, or "" when the error
// carries only an exit code. Multi-line errors are folded so that every
// failure is a single "mapscope: ..." line.
func Message(err error) string {
	var exit *ExitError
	if errors.As(err, &exit) && exit.Err == nil {
		return ""
	}
	msg := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
	return "mapscope: " + msg
}

// Focus compiles the -focus regexp of a command; an empty one is nil
// (no focus) and a bad one a usage error naming the command.
func Focus(command, expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, Usagef("%s: bad -focus: %v", command, err)
	}
	return re, nil
}
