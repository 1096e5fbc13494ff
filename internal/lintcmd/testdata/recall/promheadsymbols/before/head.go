// Package tsdb reproduces, in its own words, the symbol table rebuilt by
// Prometheus' head compaction: https://github.com/prometheus/prometheus/commit/62cfe4446ff7607f8f2d88a9b62d228bb2bee242
// (prometheus/tsdb#552; before/ is the code before the fix, after/ as
// fixed). Every compaction builds the table again from empty; the table
// it replaces says how large it will be.
package tsdb

import "sync"

type Label struct{ Name, Value string }

type postings struct {
	mu     sync.RWMutex
	labels []Label
}

func (p *postings) Iter(f func(Label) error) error {
	p.mu.RLock()
	defer p.mu.RUnlock()
	for _, l := range p.labels {
		if err := f(l); err != nil {
			return err
		}
	}
	return nil
}

type Head struct {
	symMtx   sync.RWMutex
	symbols  map[string]struct{}
	values   map[string][]string
	postings *postings
}

func (h *Head) gc() {
	symbols := make(map[string]struct{}) // want mapprealloc "map symbols is made without a size hint.*len\(h.symbols\)"
	values := make(map[string][]string, len(h.values))
	if err := h.postings.Iter(func(l Label) error {
		symbols[l.Name] = struct{}{}
		symbols[l.Value] = struct{}{}
		values[l.Name] = append(values[l.Name], l.Value)
		return nil
	}); err != nil {
		panic(err)
	}
	h.symMtx.Lock()
	h.symbols = symbols
	h.values = values
	h.symMtx.Unlock()
}
