package libserve

import "strings"

// Re-made only when the configuration is applied: it grows between
// reloads, which may never come.
type manager struct {
	done    chan struct{}
	updates chan string
	targets map[string]int
}

func (m *manager) ApplyConfig() { m.targets = map[string]int{} }

func (m *manager) run() {
	for {
		select {
		case <-m.done:
			return
		case u := <-m.updates:
			m.targets[strings.ToUpper(u)]++ // want `map field manager.targets only grows between configuration reloads: only ApplyConfig replaces it, and nothing deletes from it`
		}
	}
}

// Near miss: re-made on every flush.
type flusher struct {
	done    chan struct{}
	updates chan string
	pending map[string]int
}

func (f *flusher) flush() { f.pending = map[string]int{} }

func (f *flusher) run() {
	for {
		select {
		case <-f.done:
			return
		case u := <-f.updates:
			f.pending[strings.ToUpper(u)]++
		}
	}
}
