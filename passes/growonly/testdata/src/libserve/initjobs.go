package libserve

import (
	"strconv"
	"sync"
)

// A map grouped with its lock in a field of an anonymous struct type, and
// made by a method the constructor calls on the value it allocates
// (go-systemd's job listener,
// https://github.com/coreos/go-systemd/pull/78: nothing removed a job's
// channel when its reply never came).
type Bus struct {
	signals chan string
	seq     int
	jobs    struct {
		sync.Mutex
		waiting map[string]chan string
	}
	other struct {
		sync.Mutex
		seen map[string]bool
	}
}

func NewBus() *Bus {
	b := &Bus{signals: make(chan string)}
	b.initJobs()
	b.reset()
	go b.dispatch()
	return b
}

func (b *Bus) initJobs() {
	b.jobs.waiting = make(map[string]chan string)
}

func (b *Bus) dispatch() {
	for s := range b.signals {
		b.jobs.Lock()
		ch := b.jobs.waiting[s]
		b.jobs.Unlock()
		if ch != nil {
			ch <- "done"
		}
	}
}

func (b *Bus) StartJob() <-chan string {
	ch := make(chan string, 1)
	b.jobs.Lock()
	b.seq++
	b.jobs.waiting["job"+strconv.Itoa(b.seq)] = ch // want `map field Bus.jobs.waiting only grows`
	b.jobs.Unlock()
	return ch
}

// Near miss: reset re-makes the map on a live value too, not only on a
// fresh one.
func (b *Bus) Observe() {
	b.other.Lock()
	b.seq++
	b.other.seen["o"+strconv.Itoa(b.seq)] = true
	b.other.Unlock()
}

func (b *Bus) reset() {
	b.other.Lock()
	b.other.seen = make(map[string]bool)
	b.other.Unlock()
}

func (b *Bus) Reset() { b.reset() }

// Near miss: the initializer fills the map from the hub's options, once
// in the hub's life.
type Hub struct {
	events  chan string
	opts    hubOptions
	trusted struct {
		sync.Mutex
		keys map[string]bool
	}
}

type hubOptions struct{ keys []string }

func NewHub(keys []string) *Hub {
	h := &Hub{events: make(chan string), opts: hubOptions{keys: keys}}
	h.loadKeys()
	go h.run()
	return h
}

func (h *Hub) loadKeys() {
	h.trusted.keys = make(map[string]bool)
	for _, k := range h.opts.keys {
		h.trusted.keys[k+"/"] = true
	}
}

func (h *Hub) run() {
	for e := range h.events {
		h.trusted.Lock()
		_ = h.trusted.keys[e]
		h.trusted.Unlock()
	}
}

// Near miss: a method called on a value looked up, not allocated, is
// not an initializer: its make replaces a live map.
type Room struct {
	events  chan string
	members struct {
		sync.Mutex
		names map[string]bool
	}
	owners struct {
		sync.Mutex
		names map[string]bool
	}
	seq int
}

var rooms = map[string]*Room{}

func NewRoom(name string) *Room {
	r := &Room{events: make(chan string)}
	r.empty()
	r.resetOwners()
	rooms[name] = r
	go r.run()
	return r
}

func EmptyRoom(name string) {
	var r *Room
	r = rooms[name]
	r.empty()
}

// An allocated value replaced by a looked-up one before the call.
func ResetRoom(name string) {
	r := &Room{}
	r = rooms[name]
	r.resetOwners()
}

func (r *Room) empty() { r.members.names = make(map[string]bool) }

func (r *Room) resetOwners() { r.owners.names = make(map[string]bool) }

func (r *Room) run() {
	for e := range r.events {
		r.members.Lock()
		r.seq++
		r.members.names[e+strconv.Itoa(r.seq)] = true
		r.members.Unlock()
		r.owners.Lock()
		r.owners.names[e+strconv.Itoa(r.seq)] = true
		r.owners.Unlock()
	}
}
