// Package dedupebuffer reproduces, in its own words, the start-of-day
// snapshot kept by Calico's dedupe buffer:
// https://github.com/projectcalico/calico/pull/9526 (commit
// b351433b66e26ddaf7b5a8bca773a08ba070bc9a; before/ is the code before the
// fix, after/ as fixed). Every datastore key passes through the map once
// at start-up; it drains to empty but keeps the tables of its peak.
package dedupebuffer

import (
	"container/list"
	"sync"
)

type update struct {
	key   string
	value []byte
}

type DedupeBuffer struct {
	lock               sync.Mutex
	keyToPendingUpdate map[string]*list.Element
	pendingUpdates     list.List
}

func New() *DedupeBuffer {
	return &DedupeBuffer{keyToPendingUpdate: map[string]*list.Element{}}
}

// OnUpdates queues updates, keeping only the latest per key.
func (d *DedupeBuffer) OnUpdates(updates []update) {
	d.lock.Lock()
	defer d.lock.Unlock()
	for _, u := range updates {
		if e, ok := d.keyToPendingUpdate[u.key]; ok {
			e.Value = u
			continue
		}
		d.keyToPendingUpdate[u.key] = d.pendingUpdates.PushBack(u)
	}
}

func (d *DedupeBuffer) pullNextBatch(max int) []update {
	d.lock.Lock()
	defer d.lock.Unlock()
	var batch []update
	for len(batch) < max && d.pendingUpdates.Len() > 0 {
		u := d.pendingUpdates.Remove(d.pendingUpdates.Front()).(update)
		delete(d.keyToPendingUpdate, u.key) // want mapclear "map field DedupeBuffer.keyToPendingUpdate is emptied one key at a time and never re-made"
		batch = append(batch, u)
	}
	return batch
}
