package fetch

import (
	"flag"
	"fmt"
	"time"

	"github.com/mapscope/mapscope/internal/base"
)

// Flags are the flags of a command that reads its input from a URL as
// well as from a file or stdin (heap, cpu, trace): -seconds, -save,
// -timeout and -H, spelled and checked the same way in each.
type Flags struct {
	Save    string
	Timeout time.Duration
	Header  base.HeaderFlag

	set     *flag.FlagSet
	seconds *int
}

// Register adds the flags to set. what names the input in the usage
// ("profile", "trace"); seconds is -seconds' default and secondsUsage
// what it asks a URL for ("profile for `n` seconds").
func (f *Flags) Register(set *flag.FlagSet, what string, seconds int, secondsUsage string) {
	f.set = set
	f.seconds = set.Int("seconds", seconds, "for a URL: "+secondsUsage)
	set.StringVar(&f.Save, "save", "", fmt.Sprintf("for a URL or -: also write the fetched %s to `file`", what))
	set.DurationVar(&f.Timeout, "timeout", DefaultTimeout, "for a URL: give up after `duration` without an answer (on top of -seconds)")
	set.Var(&f.Header, "H", "for a URL: an extra request `header` 'Name: value' (repeatable)")
}

// Check reports a flag value no fetch can use, as a usage error of the
// command named.
func (f *Flags) Check(command string) error {
	if *f.seconds < 0 {
		return base.Usagef("%s: -seconds must not be negative", command)
	}
	if f.Timeout <= 0 {
		return base.Usagef("%s: -timeout must be positive", command)
	}
	return nil
}

// Options returns how to fetch src: from defaultPath when its URL has no
// path, over the seconds of -seconds when given on the command line, else
// of the URL's own seconds=N, else of -seconds' default (SecondsFlag).
func (f *Flags) Options(src, defaultPath string) Options {
	return Options{
		DefaultPath: defaultPath,
		Seconds:     SecondsFlag(f.set, "seconds", src),
		Timeout:     f.Timeout,
		Header:      f.Header.Header,
	}
}
