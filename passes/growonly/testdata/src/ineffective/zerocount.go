package main

import "sync"

// Subscribers are counted per topic; the count is tested before it is
// decremented, so the last unsubscribe leaves the topic at 0.

type topics struct {
	mu    sync.Mutex
	count map[string]int
}

func (t *topics) subscribe(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.count[name]; ok {
		t.count[name] = n + 1 // want `map field topics.count is deleted from only when n, read before the decrement, is already 0, and every insertion stores a positive count: the last release stores 0 instead of deleting, and the key stays`
	} else {
		t.count[name] = 1
	}
}

func (t *topics) unsubscribe(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.count[name]; ok {
		if n <= 0 {
			delete(t.count, name)
		} else {
			t.count[name] = n - 1
		}
	}
}

// Tested against 1 before the decrement, the last release deletes.

type topics2 struct {
	mu    sync.Mutex
	count map[string]int
}

func (t *topics2) subscribe(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.count[name] = t.count[name] + 1
}

func (t *topics2) unsubscribe(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.count[name]; ok {
		if n <= 1 {
			delete(t.count, name)
		} else {
			t.count[name] = n - 1
		}
	}
}

// Decremented first, then tested: the last release deletes.

type topics3 struct {
	mu    sync.Mutex
	count map[string]int
}

func (t *topics3) subscribe(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.count[name]++
}

func (t *topics3) unsubscribe(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := t.count[name] - 1
	if n == 0 {
		delete(t.count, name)
	} else {
		t.count[name] = n
	}
}

// Zero is a stored state of its own (registered, not yet used): deleting
// an entry already at 0 is the design, not an off-by-one.

type topics4 struct {
	mu    sync.Mutex
	count map[string]int
}

func (t *topics4) register(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.count[name] = 0
}

func (t *topics4) use(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.count[name] = t.count[name] + 1
}

func (t *topics4) release(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n, ok := t.count[name]; ok {
		if n <= 0 {
			delete(t.count, name)
		} else {
			t.count[name] = n - 1
		}
	}
}
