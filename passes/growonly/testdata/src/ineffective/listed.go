package main

import "sync"

// Entries are forgotten only for the names another component still
// lists: a name it dropped first is never visited.

type store interface {
	Names() []string
	Gone(name string) bool
}

type marks struct {
	sync.Mutex
	seen map[string]bool
}

type tracker struct {
	st    store
	marks marks
}

func (t *tracker) mark(name string) {
	t.marks.Lock()
	defer t.marks.Unlock()
	t.marks.seen[name] = true // want `map field marks.seen is deleted from only for the keys t.st.Names\(\) lists, and no delete ranges over the map itself: a key no longer listed there is never removed`
}

func (t *tracker) unmark(name string) {
	t.marks.Lock()
	defer t.marks.Unlock()
	delete(t.marks.seen, name)
}

func (t *tracker) sweep() {
	for _, name := range t.st.Names() {
		if t.st.Gone(name) {
			t.unmark(name)
		}
	}
}

// The same, with a sweep over the map itself: every key is visited.

type marks2 struct {
	sync.Mutex
	seen map[string]bool
}

type tracker2 struct {
	st    store
	marks marks2
}

func (t *tracker2) mark(name string) {
	t.marks.Lock()
	defer t.marks.Unlock()
	t.marks.seen[name] = true
}

func (t *tracker2) unmark(name string) {
	t.marks.Lock()
	defer t.marks.Unlock()
	delete(t.marks.seen, name)
}

func (t *tracker2) sweep() {
	for _, name := range t.st.Names() {
		t.unmark(name)
	}
	t.marks.Lock()
	defer t.marks.Unlock()
	for name := range t.marks.seen {
		if t.st.Gone(name) {
			delete(t.marks.seen, name)
		}
	}
}

// A delete that a caller runs with any name (a removal request) is not
// tied to a listing.

type marks3 struct {
	sync.Mutex
	seen map[string]bool
}

type tracker3 struct {
	st    store
	marks marks3
}

func (t *tracker3) mark(name string) {
	t.marks.Lock()
	defer t.marks.Unlock()
	t.marks.seen[name] = true
}

func (t *tracker3) unmark(name string) {
	t.marks.Lock()
	defer t.marks.Unlock()
	delete(t.marks.seen, name)
}

func (t *tracker3) sweep(removed string) {
	for _, name := range t.st.Names() {
		t.unmark(name)
	}
	t.unmark(removed)
}
