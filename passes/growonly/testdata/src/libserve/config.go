package libserve

import (
	"net/http"
	"strings"
)

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

// Suppressed findings: a //mapscope:ignore comment alone on the line
// above, or a //nolint comment on the line, silences the analyzer named.
var seenA, seenB, seenC, seenD = map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}

func Seen(w http.ResponseWriter, hr *http.Request, r *Request2) {
	//mapscope:ignore growonly the set of kinds is fixed by the protocol
	seenA[r.Kind] = true
	seenB[r.Kind] = true //nolint:growonly // bounded by the protocol
	seenC[r.Kind] = true //nolint:mapclear // another analyzer: still reported // want `map seenC only grows`
	_ = r                //mapscope:ignore growonly after code, it covers its own line only
	seenD[r.Kind] = true // want `map seenD only grows`
}

type Request2 struct{ Kind string }
