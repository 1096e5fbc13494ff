package mapwatch

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/mapscope/mapscope/mapstats"
)

// Watch watches the map *m under name, which becomes the map label of its
// metrics. The watcher reads *m, not a copy of the map value, so it keeps
// seeing the map after the program assigns a new one to the variable (a
// rebuild, a reset), and WithRebuild can assign the right-sized copy.
//
// lock is the lock the map's writers hold; the watcher holds it while it
// reads the map (RLock when lock is a *sync.RWMutex or has RLock and
// RUnlock) and, for WithRebuild, while it rebuilds it (Lock). Reading a
// map while another goroutine writes it is a data race: lock may be nil
// only for a map no goroutine writes while the watcher runs.
//
// The only option is WithRebuild. Watch returns an error for an empty or
// taken name, a nil m or a nil pointer in lock; Unwatch frees the name.
func Watch[M ~map[K]V, K comparable, V any](w *Watcher, name string, m *M, lock sync.Locker, opts ...Option) error {
	var mc mapConfig
	apply("Watch", true, nil, &mc, opts)
	if m == nil {
		return fmt.Errorf("mapwatch: watching %q: nil map pointer", name)
	}
	e := &watched{
		name:    name,
		read:    func() (mapstats.Stats, error) { return mapstats.Of(m) },
		rebuild: func() { *m = mapstats.Rebuild(*m) },
		above:   mc.rebuildAbove,
	}
	if err := e.setLock(lock); err != nil {
		return fmt.Errorf("mapwatch: watching %q: %w", name, err)
	}
	return w.add(e)
}

// WatchSyncMap watches a sync.Map under name. It needs no lock: since Go
// 1.24 a sync.Map is a hash-trie that mapstats reads with atomic loads, as
// Range does. Its bytes come from the trie's nodes; a sync.Map is never
// rebuilt (a delete frees its entry, and the trie prunes empty nodes).
//
// Reading a sync.Map visits every entry (about 130 ns each), so scrapes
// use the reading of the last poll when it is less than an interval old.
// On a Go 1.24 or 1.25 build with GOEXPERIMENT=nosynchashtriemap, whose
// sync.Map mapstats cannot read, the watcher counts its entries with
// Range and exports no bytes (it logs this once).
func WatchSyncMap(w *Watcher, name string, m *sync.Map) error {
	if m == nil {
		return fmt.Errorf("mapwatch: watching %q: nil *sync.Map", name)
	}
	e := &watched{name: name, perEntry: true}
	e.setLock(nil)
	if _, err := mapstats.Of(new(sync.Map)); errors.Is(err, mapstats.ErrUnsupported) {
		w.cfg.logger.Info("mapwatch: this Go build's sync.Map is not readable by mapstats; exporting its entries only",
			"map", name, "err", err)
		e.lenOnly = true
		e.read = func() (mapstats.Stats, error) {
			var st mapstats.Stats
			m.Range(func(any, any) bool { st.Len++; return true })
			return st, nil
		}
	} else {
		e.read = func() (mapstats.Stats, error) { return mapstats.Of(m) }
	}
	return w.add(e)
}

// Unwatch stops watching the map watched under name (the watcher no
// longer keeps it alive), and frees the name.
func (w *Watcher) Unwatch(name string) {
	w.mu.Lock()
	delete(w.maps, name)
	w.mu.Unlock()
}

var errNameTaken = errors.New("name already watched")

func (w *Watcher) add(e *watched) error {
	switch {
	case e.name == "":
		return errors.New("mapwatch: watching a map: empty name")
	case !utf8.ValidString(e.name):
		return fmt.Errorf("mapwatch: watching %q: the name is not valid UTF-8", e.name)
	}
	e.w = w
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.maps[e.name]; ok {
		return fmt.Errorf("mapwatch: watching %q: %w", e.name, errNameTaken)
	}
	w.maps[e.name] = e
	return nil
}

type mapConfig struct {
	rebuildAbove int64
}

// watched is one watched map.
type watched struct {
	name     string
	w        *Watcher
	read     func() (mapstats.Stats, error)
	rlock    func()
	runlock  func()
	lock     sync.Locker // for rebuilds
	rebuild  func()      // nil for a sync.Map
	above    int64       // WithRebuild threshold, 0 without
	perEntry bool        // a sync.Map: scrapes reuse the last poll's reading
	lenOnly  bool        // only the length can be read (a sync.Map mapstats does not know)

	mu         sync.Mutex // guards the fields below
	peak       int
	rebuilds   uint64
	readErrors uint64
	failing    bool      // the last read failed
	last       Map       // the last poll's reading, for perEntry maps
	lastAt     time.Time // when last was taken; zero before the first poll
}

type rlocker interface {
	RLock()
	RUnlock()
}

func (e *watched) setLock(l sync.Locker) error {
	if l == nil {
		e.rlock, e.runlock, e.lock = func() {}, func() {}, noLock{}
		return nil
	}
	if v := reflect.ValueOf(l); v.Kind() == reflect.Pointer && v.IsNil() {
		return fmt.Errorf("nil %T as the lock", l)
	}
	e.lock = l
	if rw, ok := l.(rlocker); ok {
		e.rlock, e.runlock = rw.RLock, rw.RUnlock
	} else {
		e.rlock, e.runlock = l.Lock, l.Unlock
	}
	return nil
}

type noLock struct{}

func (noLock) Lock()   {}
func (noLock) Unlock() {}

// readMap reads the map, counts and logs a failure. With cached, a
// perEntry map is read again only when its last reading is older than an
// interval (scrapes); polls and Maps read it now.
func (e *watched) readMap(now time.Time, cached bool) Map {
	if e.perEntry && cached {
		e.mu.Lock()
		fresh := !e.lastAt.IsZero() && now.Sub(e.lastAt) < e.w.cfg.interval
		last := e.last
		last.Peak, last.Rebuilds = e.peak, e.rebuilds
		e.mu.Unlock()
		if fresh {
			return last
		}
	}
	e.rlock()
	st, err := e.read()
	e.runlock()
	if err != nil {
		st, err = mapstats.Stats{}, fmt.Errorf("mapwatch: reading map %q: %w", e.name, err)
	}
	e.mu.Lock()
	if err == nil && st.Len > e.peak {
		e.peak = st.Len
	}
	started, recovered := err != nil && !e.failing, err == nil && e.failing
	e.failing = err != nil
	if err != nil {
		e.readErrors++
	}
	m := Map{Name: e.name, Stats: st, Peak: e.peak, Rebuilds: e.rebuilds, Err: err}
	if e.perEntry {
		e.last, e.lastAt = m, now
	}
	e.mu.Unlock()
	switch {
	case started:
		e.w.cfg.logger.Warn("mapwatch: cannot read map; its metrics are missing until it can", "map", e.name, "err", err)
	case recovered:
		e.w.cfg.logger.Info("mapwatch: map readable again", "map", e.name)
	}
	return m
}

// maybeRebuild applies WithRebuild. The decision is taken under the write
// lock, since the map may have changed since the last read. A map that
// cannot be read is not rebuilt; the read that follows reports why.
func (e *watched) maybeRebuild() {
	if e.rebuild == nil || e.above == 0 {
		return
	}
	e.lock.Lock()
	defer e.lock.Unlock()
	st, err := e.read()
	if err != nil || st.Reclaimable() < e.above {
		return
	}
	e.rebuild()
	e.mu.Lock()
	e.rebuilds++
	e.mu.Unlock()
}
