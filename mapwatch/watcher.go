package mapwatch

import (
	"errors"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/mapscope/mapscope/mapstats"
)

// Watcher holds the watched maps and the state of the sampler and the
// policies. Its methods are safe for concurrent use.
type Watcher struct {
	cfg     config
	sampler *sampler
	dumper  *dumper

	mu   sync.Mutex
	maps map[string]*watched

	loopMu sync.Mutex
	stop   chan struct{}
	done   chan struct{}
}

type config struct {
	interval time.Duration
	topSites int
	dump     *DumpRule
	logger   *slog.Logger
	now      func() time.Time
}

// New returns a Watcher. It does nothing in the background until Start.
func New(opts ...Option) *Watcher {
	cfg := config{
		interval: 10 * time.Second,
		topSites: 20,
		now:      time.Now,
	}
	apply("New", false, &cfg, nil, opts)
	if cfg.logger == nil {
		cfg.logger = slog.Default()
	}
	w := &Watcher{cfg: cfg, maps: map[string]*watched{}}
	if cfg.topSites > 0 {
		w.sampler = newSampler(cfg.topSites)
	}
	if cfg.dump != nil {
		w.dumper = newDumper(*cfg.dump)
	}
	return w
}

// Map is one watched map as Maps read it.
type Map struct {
	Name string
	// Stats is what mapstats read. For a sync.Map on a build whose
	// sync.Map mapstats cannot read (GOEXPERIMENT=nosynchashtriemap),
	// only Stats.Len is set, counted with Range, and Stats.Impl is "".
	Stats mapstats.Stats
	// Peak is the largest length the watcher has seen.
	Peak int
	// Rebuilds counts the rebuilds done by WithRebuild.
	Rebuilds uint64
	// Err is set when the map could not be read; Stats is then zero.
	Err error
}

// Maps reads every watched map now (a builtin map under its lock), sorted
// by name.
func (w *Watcher) Maps() []Map {
	entries := w.entries()
	out := make([]Map, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.readMap(w.cfg.now(), false))
	}
	return out
}

func (w *Watcher) entries() []*watched {
	w.mu.Lock()
	out := make([]*watched, 0, len(w.maps))
	for _, e := range w.maps {
		out = append(out, e)
	}
	w.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// Poll does one round of the background work now: it reads every map,
// applies WithRebuild, samples the heap profile and applies WithDump.
// Start calls it every interval; tests and programs with their own
// scheduling may call it directly. The error joins what went wrong; the
// watcher also logs it (a map's read failure once, when it starts).
func (w *Watcher) Poll() error {
	var errs []error
	var registered int64
	var maps []Map
	now := w.cfg.now()
	for _, e := range w.entries() {
		e.maybeRebuild()
		m := e.readMap(now, false)
		if m.Err != nil {
			errs = append(errs, m.Err)
		}
		registered += m.Stats.Bytes
		maps = append(maps, m)
	}
	var sites siteSample
	if w.sampler != nil {
		sites = w.sampler.sample(now)
	}
	if w.dumper != nil {
		if err := w.dumper.observe(now, registered, sites, maps); err != nil {
			w.cfg.logger.Error("mapwatch: dump failed", "err", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Start polls every interval in a goroutine until Close.
func (w *Watcher) Start() {
	w.loopMu.Lock()
	defer w.loopMu.Unlock()
	if w.stop != nil {
		return
	}
	w.stop, w.done = make(chan struct{}), make(chan struct{})
	go w.loop(w.stop, w.done)
}

func (w *Watcher) loop(stop, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(w.cfg.interval)
	defer t.Stop()
	for {
		w.Poll() // errors are logged where they happen
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// Close stops the goroutine started by Start and waits for it.
func (w *Watcher) Close() {
	w.loopMu.Lock()
	defer w.loopMu.Unlock()
	if w.stop == nil {
		return
	}
	close(w.stop)
	<-w.done
	w.stop, w.done = nil, nil
}
