package mapwatch

import (
	"errors"
	"fmt"
	"log"
	"reflect"
	"sort"
	"sync"
	"time"

	"github.com/mapscope/mapscope/mapstats"
)

// Watcher holds named maps and the state of the sampler and policies.
// Its methods are safe for concurrent use.
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
	onError  func(error)
	now      func() time.Time
}

// Option configures a Watcher.
type Option func(*config)

// WithInterval sets how often Start polls the maps, samples the heap
// profile and applies the policies. The default is 10s.
func WithInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.interval = d
		}
	}
}

// WithTopSites sets how many map allocation sites are exported by name;
// the others are summed per kind under site="other". The default is 20;
// 0 turns the heap profile sampler off.
func WithTopSites(n int) Option {
	return func(c *config) {
		if n >= 0 {
			c.topSites = n
		}
	}
}

// WithErrorHandler receives the errors of the background loop (a failed
// dump, a map mapstats cannot read). The default logs them.
func WithErrorHandler(f func(error)) Option {
	return func(c *config) {
		if f != nil {
			c.onError = f
		}
	}
}

// New returns a Watcher. It does nothing in the background until Start.
func New(opts ...Option) *Watcher {
	cfg := config{
		interval: 10 * time.Second,
		topSites: 20,
		onError:  func(err error) { log.Print(err) },
		now:      time.Now,
	}
	for _, o := range opts {
		o(&cfg)
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

// watched is one registered map.
type watched struct {
	name     string
	read     func() (mapstats.Stats, error)
	rlock    func()
	runlock  func()
	lock     sync.Locker
	rebuild  func()
	rebuildT int64

	mu       sync.Mutex // guards the fields below
	peak     int
	rebuilds uint64
}

type mapConfig struct {
	lock      sync.Locker
	rw        *sync.RWMutex
	threshold int64
	rebuild   func()
	generic   bool // WithRebuild without a function: needs Watch
}

// MapOption configures one registered map.
type MapOption func(*mapConfig)

// WithLock names the lock that the map's writers hold. The watcher holds
// it while it reads the map and while it rebuilds it.
func WithLock(l sync.Locker) MapOption {
	return func(c *mapConfig) { c.lock = l }
}

// WithRWMutex is WithLock for a map guarded by a sync.RWMutex: the
// watcher reads under RLock and rebuilds under Lock.
func WithRWMutex(rw *sync.RWMutex) MapOption {
	return func(c *mapConfig) { c.rw = rw }
}

// WithRebuild makes the watcher rebuild the map, under its lock, to a
// right-sized copy (mapstats.Rebuild) whenever it holds at least
// threshold reclaimable bytes. It needs Watch, which can assign the copy
// through the map's pointer; Register refuses it.
func WithRebuild(threshold int64) MapOption {
	return func(c *mapConfig) {
		c.threshold = threshold
		c.generic = true
	}
}

// WithRebuildFunc is WithRebuild with the program's own rebuild: the
// watcher calls rebuild, holding the map's lock, whenever the map holds
// at least threshold reclaimable bytes.
func WithRebuildFunc(threshold int64, rebuild func()) MapOption {
	return func(c *mapConfig) {
		c.threshold = threshold
		c.rebuild = rebuild
		c.generic = false
	}
}

// Register watches the map m under name. m is a map or a pointer to a map;
// register a pointer when the program assigns a new map to the variable,
// or the watcher keeps reading the old one.
func (w *Watcher) Register(name string, m any, opts ...MapOption) error {
	t := reflect.TypeOf(m)
	switch {
	case t == nil:
		return fmt.Errorf("mapwatch: registering %q: nil is not a map", name)
	case t.Kind() == reflect.Map:
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Map:
		if reflect.ValueOf(m).IsNil() {
			return fmt.Errorf("mapwatch: registering %q: nil %s", name, t)
		}
	default:
		return fmt.Errorf("mapwatch: registering %q: %s is not a map or a pointer to a map", name, t)
	}
	return w.add(name, func() (mapstats.Stats, error) { return mapstats.Of(m) }, nil, opts)
}

// Watch watches the map *m under name. Unlike Register it can rebuild the
// map (WithRebuild): the watcher assigns the right-sized copy to *m.
func Watch[M ~map[K]V, K comparable, V any](w *Watcher, name string, m *M, opts ...MapOption) error {
	if m == nil {
		return fmt.Errorf("mapwatch: watching %q: nil map pointer", name)
	}
	return w.add(name,
		func() (mapstats.Stats, error) { return mapstats.Of(m) },
		func() { *m = mapstats.Rebuild(*m) },
		opts)
}

var errNameTaken = errors.New("name already registered")

func (w *Watcher) add(name string, read func() (mapstats.Stats, error), rebuild func(), opts []MapOption) error {
	if name == "" {
		return errors.New("mapwatch: registering a map: empty name")
	}
	var mc mapConfig
	for _, o := range opts {
		o(&mc)
	}
	e := &watched{name: name, read: read, rebuildT: mc.threshold}
	switch {
	case mc.rw != nil:
		e.rlock, e.runlock, e.lock = mc.rw.RLock, mc.rw.RUnlock, mc.rw
	case mc.lock != nil:
		e.rlock, e.runlock, e.lock = mc.lock.Lock, mc.lock.Unlock, mc.lock
	default:
		e.rlock, e.runlock, e.lock = func() {}, func() {}, noLock{}
	}
	if mc.threshold < 0 {
		return fmt.Errorf("mapwatch: registering %q: negative rebuild threshold %d", name, mc.threshold)
	}
	switch {
	case mc.generic && rebuild == nil:
		return fmt.Errorf("mapwatch: registering %q: WithRebuild needs Watch (or use WithRebuildFunc)", name)
	case mc.generic:
		e.rebuild = rebuild
	case mc.rebuild != nil:
		e.rebuild = mc.rebuild
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.maps[name]; ok {
		return fmt.Errorf("mapwatch: registering %q: %w", name, errNameTaken)
	}
	w.maps[name] = e
	return nil
}

// Unregister stops watching the map registered under name.
func (w *Watcher) Unregister(name string) {
	w.mu.Lock()
	delete(w.maps, name)
	w.mu.Unlock()
}

type noLock struct{}

func (noLock) Lock()   {}
func (noLock) Unlock() {}

// MapStats is what the watcher knows about one registered map.
type MapStats struct {
	Name  string
	Stats mapstats.Stats
	// Peak is the largest length the watcher has seen.
	Peak int
	// Rebuilds counts the rebuilds done by the WithRebuild policy.
	Rebuilds uint64
	// Err is set when mapstats could not read the map.
	Err error
}

// Maps reads every registered map now, under its lock, sorted by name.
func (w *Watcher) Maps() []MapStats {
	entries := w.entries()
	out := make([]MapStats, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.snapshot())
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

func (e *watched) snapshot() MapStats {
	e.rlock()
	st, err := e.read()
	e.runlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	if err == nil && st.Len > e.peak {
		e.peak = st.Len
	}
	if err != nil {
		err = fmt.Errorf("mapwatch: reading map %q: %w", e.name, err)
	}
	return MapStats{Name: e.name, Stats: st, Peak: e.peak, Rebuilds: e.rebuilds, Err: err}
}

// maybeRebuild applies the rebuild policy; the decision is taken again
// under the write lock, since the map may have changed since the read.
func (e *watched) maybeRebuild() (bool, error) {
	if e.rebuild == nil {
		return false, nil
	}
	e.lock.Lock()
	defer e.lock.Unlock()
	st, err := e.read()
	if err != nil {
		return false, fmt.Errorf("mapwatch: reading map %q before rebuilding: %w", e.name, err)
	}
	if st.Reclaimable() < e.rebuildT || st.Reclaimable() == 0 {
		return false, nil
	}
	e.rebuild()
	e.mu.Lock()
	e.rebuilds++
	e.mu.Unlock()
	return true, nil
}

// Poll does one round of the background work now: it reads every map,
// applies the rebuild policy, samples the heap profile and applies the
// dump rule. Start calls it every interval; tests and programs with their
// own scheduling may call it directly.
func (w *Watcher) Poll() error {
	var errs []error
	var registered int64
	var maps []MapStats
	for _, e := range w.entries() {
		if _, err := e.maybeRebuild(); err != nil {
			errs = append(errs, err)
		}
		ms := e.snapshot()
		if ms.Err != nil {
			errs = append(errs, ms.Err)
		}
		registered += ms.Stats.Bytes
		maps = append(maps, ms)
	}
	var sites siteSample
	if w.sampler != nil {
		sites = w.sampler.sample(w.cfg.now())
	}
	if w.dumper != nil {
		if err := w.dumper.observe(w.cfg.now(), registered, sites, maps); err != nil {
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
		if err := w.Poll(); err != nil {
			w.cfg.onError(err)
		}
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
