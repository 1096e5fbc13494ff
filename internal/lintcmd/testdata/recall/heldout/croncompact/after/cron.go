// Package cron reproduces, in its own words, the entry indexes of
// netresearch/go-cron that were given a periodic re-make in
// https://github.com/netresearch/go-cron/pull/115 (commit
// 78151c2a1390ab412d6597975f5a01e644b94f17, for issue #107; before/ is
// the code before the change, after/ as changed). A scheduler keeps its
// jobs in a heap by next run time and indexes them by ID and by name; a
// removed job is deleted from both indexes key by key. An application
// that adds and removes jobs all day (one per user session, per
// reminder) keeps both indexes at the largest number of jobs it ever
// had. The change counts deletions and re-makes both maps with the live
// entries once they outnumber them.
package cron

import (
	"container/heap"
	"errors"
	"sync"
	"time"
)

type EntryID int

// Entry is one scheduled job.
type Entry struct {
	ID    EntryID
	Name  string
	Every time.Duration
	Next  time.Time
	Job   func()
	index int
}

type entryHeap []*Entry

func (h entryHeap) Len() int           { return len(h) }
func (h entryHeap) Less(i, j int) bool { return h[i].Next.Before(h[j].Next) }
func (h entryHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *entryHeap) Push(x any) {
	e := x.(*Entry)
	e.index = len(*h)
	*h = append(*h, e)
}
func (h *entryHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return e
}

// Cron runs jobs at their intervals.
type Cron struct {
	runningMu  sync.Mutex
	running    bool
	entries    entryHeap
	entryIndex map[EntryID]*Entry
	nameIndex  map[string]*Entry
	nextID     EntryID

	// deletions counts index deletes since the indexes were last re-made.
	deletions int

	add    chan *Entry
	remove chan EntryID
	stop   chan struct{}
}

func New() *Cron {
	return &Cron{
		entryIndex: make(map[EntryID]*Entry),
		nameIndex:  make(map[string]*Entry),
		add:        make(chan *Entry),
		remove:     make(chan EntryID),
		stop:       make(chan struct{}),
	}
}

var ErrDuplicateName = errors.New("cron: duplicate entry name")

// Every schedules job every d; a non-empty name must be unique.
func (c *Cron) Every(d time.Duration, name string, job func()) (EntryID, error) {
	c.runningMu.Lock()
	defer c.runningMu.Unlock()
	if name != "" {
		if _, dup := c.nameIndex[name]; dup {
			return 0, ErrDuplicateName
		}
	}
	c.nextID++
	e := &Entry{ID: c.nextID, Name: name, Every: d, Next: time.Now().Add(d), Job: job}
	if name != "" {
		c.nameIndex[name] = e
	}
	if c.running {
		c.add <- e
	} else {
		heap.Push(&c.entries, e)
		c.entryIndex[e.ID] = e
	}
	return e.ID, nil
}

// Remove unschedules the entry.
func (c *Cron) Remove(id EntryID) {
	c.runningMu.Lock()
	if c.running {
		// The run goroutine removes it, taking runningMu for the name index.
		c.runningMu.Unlock()
		c.remove <- id
		return
	}
	c.removeEntry(id)
	c.runningMu.Unlock()
}

// RemoveByName unschedules the entry of that name.
func (c *Cron) RemoveByName(name string) bool {
	c.runningMu.Lock()
	e, ok := c.nameIndex[name]
	c.runningMu.Unlock()
	if !ok {
		return false
	}
	c.Remove(e.ID)
	return true
}

func (c *Cron) removeEntry(id EntryID) {
	e, ok := c.entryIndex[id]
	if !ok {
		return
	}
	heap.Remove(&c.entries, e.index)
	delete(c.entryIndex, id)
	if e.Name != "" {
		if c.running {
			c.runningMu.Lock()
			delete(c.nameIndex, e.Name)
			c.runningMu.Unlock()
		} else {
			delete(c.nameIndex, e.Name)
		}
	}
	c.deletions++
	c.maybeCompact()
}

// compactAfter is the least number of deletes before the indexes are re-made.
const compactAfter = 1000

// maybeCompact re-makes both indexes with their live entries once the
// deletes since the last re-make outnumber them: a map never shrinks.
func (c *Cron) maybeCompact() {
	if c.deletions < compactAfter {
		return
	}
	live := len(c.entryIndex)
	if live > 0 && c.deletions <= live {
		return
	}
	byID := make(map[EntryID]*Entry, live)
	for k, v := range c.entryIndex {
		byID[k] = v
	}
	c.entryIndex = byID
	if c.running {
		c.runningMu.Lock()
	}
	byName := make(map[string]*Entry, len(c.nameIndex))
	for k, v := range c.nameIndex {
		byName[k] = v
	}
	c.nameIndex = byName
	if c.running {
		c.runningMu.Unlock()
	}
	c.deletions = 0
}

// Start runs the scheduler in its own goroutine.
func (c *Cron) Start() {
	c.runningMu.Lock()
	defer c.runningMu.Unlock()
	if c.running {
		return
	}
	c.running = true
	go c.run()
}

// Stop ends the scheduler's goroutine.
func (c *Cron) Stop() {
	c.runningMu.Lock()
	defer c.runningMu.Unlock()
	if !c.running {
		return
	}
	c.stop <- struct{}{}
	c.running = false
}

func (c *Cron) run() {
	for {
		wait := time.Hour
		if len(c.entries) > 0 {
			wait = time.Until(c.entries[0].Next)
		}
		timer := time.NewTimer(wait)
		select {
		case now := <-timer.C:
			for len(c.entries) > 0 && !c.entries[0].Next.After(now) {
				e := c.entries[0]
				go e.Job()
				e.Next = now.Add(e.Every)
				heap.Fix(&c.entries, 0)
			}
		case e := <-c.add:
			timer.Stop()
			heap.Push(&c.entries, e)
			c.entryIndex[e.ID] = e
		case id := <-c.remove:
			timer.Stop()
			c.removeEntry(id)
		case <-c.stop:
			timer.Stop()
			return
		}
	}
}
