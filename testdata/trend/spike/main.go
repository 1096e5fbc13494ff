// Command spike is the trend scenario of a map that grew in a burst and
// then emptied: a deduplication window sees a million distinct events in
// one step (a replay after an outage), then forgets almost all of them.
// The map keeps the storage of its peak, since no Go version shrinks a
// map, but it does not grow again: a plateau, not a leak. The real leak
// of the scenario is not a map: the history of readings only grows.
package main

import (
	"example.com/trend/internal/decoy"
	"example.com/trend/internal/snap"
)

const (
	burstStep     = 3       // the replay; the snapshots before it show the map small
	burstEvents   = 1000000 // about 38 MB of map storage at the peak
	window        = 10000   // events remembered in normal operation
	eventsPerStep = 20000
	// readingsPerStep readings of 48 bytes: 12 MB over 40 steps.
	readingsPerStep = 6500
)

// Dedup remembers the events seen recently, to drop repeats. Event IDs
// come in order, so the oldest remembered is always oldest.
type Dedup struct {
	seen   map[int64]int64 // event ID -> step first seen
	oldest int64
}

func NewDedup() *Dedup { return &Dedup{seen: make(map[int64]int64), oldest: 1} }

// Add records event id at step and reports whether it is new.
func (d *Dedup) Add(id int64, step int) bool {
	if _, ok := d.seen[id]; ok {
		return false
	}
	d.seen[id] = int64(step) // want: plateau "d.seen" "map[int64]int64"
	return true
}

// Trim forgets every event older than the newest keep.
func (d *Dedup) Trim(newest int64, keep int) {
	for ; d.oldest <= newest-int64(keep); d.oldest++ {
		delete(d.seen, d.oldest)
	}
}

// A reading is one measurement the service keeps for a report it never
// trims.
type reading struct {
	at, sensor   int64
	value, delta float64
	flags        int64
	seq          int64
}

// History holds every reading ever taken.
type History struct {
	readings []reading
}

func (h *History) Add(r reading) {
	h.readings = append(h.readings, r) // want: nonmap-leak
}

func main() {
	series := snap.Start()
	decoys := decoy.Start()
	dedup := NewDedup()
	var history History
	var next int64
	series.Run(func(step int) {
		decoys.Step(step)
		events := eventsPerStep
		if step == burstStep {
			events = burstEvents
		}
		for i := 0; i < events; i++ {
			next++
			dedup.Add(next, step)
		}
		dedup.Trim(next, window)
		for i := 0; i < readingsPerStep; i++ {
			history.Add(reading{at: int64(step), sensor: int64(i % 64), value: float64(i), seq: next})
		}
	})
}
