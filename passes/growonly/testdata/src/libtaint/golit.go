package libtaint

import "sync"

// A value received in a goroutine's run loop, handed to a function
// literal started with go: the literal's parameter is the event's, and
// so is the key two calls further (hatchet's worker kept a cancel
// function per step run, https://github.com/hatchet-dev/hatchet/pull/1168).

type action struct {
	StepRunID string
	Payload   []byte
}

type worker struct {
	actions chan action
	cancels sync.Map
	kinds   sync.Map
}

func (w *worker) run() {
	for {
		select {
		case a := <-w.actions:
			go func(a action) {
				w.execute(a)
			}(a)
			// Near miss: a literal given a constant.
			go func(kind string) {
				w.kinds.Store(kind, true)
			}("step")
		}
	}
}

func (w *worker) execute(a action) { w.start(a) }

func (w *worker) start(a action) {
	w.cancels.Store(a.StepRunID, func() {}) // want `sync.Map field worker.cancels only grows`
}
