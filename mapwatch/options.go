package mapwatch

import (
	"fmt"
	"log/slog"
	"time"
)

// An Option configures New (WithInterval, WithTopSites, WithDump,
// WithLogger) or Watch (WithRebuild). An option with an invalid value
// panics where it is made, and an option given to the function it does not
// configure panics there, naming both: like client_golang's constructors,
// these are programming errors that the first run of the program shows.
type Option interface {
	option() option
}

type option struct {
	name  string // "WithInterval(0s)", for messages
	watch bool   // an option of Watch, not of New
	set   func(*config, *mapConfig)
}

func (o option) option() option { return o }

func newOption(name string, set func(*config)) Option {
	return option{name: name, set: func(c *config, _ *mapConfig) { set(c) }}
}

func watchOption(name string, set func(*mapConfig)) Option {
	return option{name: name, watch: true, set: func(_ *config, m *mapConfig) { set(m) }}
}

// WithInterval sets how often Start polls: reads every map (and applies
// WithRebuild), samples the heap profile and applies WithDump. The default
// is 10s. It panics unless d > 0.
func WithInterval(d time.Duration) Option {
	name := fmt.Sprintf("WithInterval(%s)", d)
	if d <= 0 {
		panic("mapwatch: " + name + ": the interval must be positive")
	}
	return newOption(name, func(c *config) { c.interval = d })
}

// WithTopSites sets how many map allocation sites (functions) are
// exported by name; the others are summed per kind under site="other".
// The default is 20; 0 turns the heap profile sampler off. It panics if
// n < 0.
func WithTopSites(n int) Option {
	name := fmt.Sprintf("WithTopSites(%d)", n)
	if n < 0 {
		panic("mapwatch: " + name + ": want 0 (sampler off) or more sites")
	}
	return newOption(name, func(c *config) { c.topSites = n })
}

// WithLogger sets where the watcher logs: a map that cannot be read (once
// when it starts failing, once when it recovers), a failed dump. The
// default is slog.Default(). It panics if l is nil.
func WithLogger(l *slog.Logger) Option {
	if l == nil {
		panic("mapwatch: WithLogger(nil): want a logger (slog.New(slog.DiscardHandler) discards)")
	}
	return newOption("WithLogger", func(c *config) { c.logger = l })
}

// WithRebuild is an option of Watch: the watcher rebuilds the map to a
// right-sized copy (*m = mapstats.Rebuild(*m)), holding its lock for
// writing, at each poll where the map holds at least threshold bytes that
// a rebuild would release. It panics unless threshold > 0.
func WithRebuild(threshold int64) Option {
	name := fmt.Sprintf("WithRebuild(%d)", threshold)
	if threshold <= 0 {
		panic("mapwatch: " + name + ": the threshold must be a positive number of bytes")
	}
	return watchOption(name, func(m *mapConfig) { m.rebuildAbove = threshold })
}

// apply applies opts for fn (New or Watch), and panics when one of them
// configures the other function.
func apply(fn string, watch bool, c *config, m *mapConfig, opts []Option) {
	for _, o := range opts {
		if o == nil {
			panic("mapwatch: " + fn + ": nil Option")
		}
		opt := o.option()
		if opt.watch != watch {
			other := "New"
			if opt.watch {
				other = "Watch"
			}
			panic(fmt.Sprintf("mapwatch: %s: %s is an option of %s", fn, opt.name, other))
		}
		opt.set(c, m)
	}
}
