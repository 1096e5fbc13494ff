package db

import (
	"errors"
	"fmt"
	"sync"
)

// ErrBuildNotFound is returned for an unknown build ID.
var ErrBuildNotFound = errors.New("build not found")

// Event is one line of a build's output.
type Event struct {
	ID   int    `json:"id"`
	Data string `json:"data"`
}

// Build is one run of a job.
type Build struct {
	factory *BuildFactory
	id      int

	mu       sync.Mutex
	events   []Event
	finished bool
	aborted  bool
}

// ID returns the build's ID.
func (b *Build) ID() int { return b.id }

// SaveEvent appends an event and tells the build's event listeners.
func (b *Build) SaveEvent(data string) error {
	b.mu.Lock()
	b.events = append(b.events, Event{ID: len(b.events), Data: data})
	b.mu.Unlock()
	return b.factory.bus.Notify(buildEventsChannel(b.id))
}

// Finish marks the build done.
func (b *Build) Finish() error {
	b.mu.Lock()
	b.finished = true
	b.mu.Unlock()
	return b.factory.bus.Notify(buildEventsChannel(b.id))
}

// MarkAsAborted asks the build to stop.
func (b *Build) MarkAsAborted() error {
	b.mu.Lock()
	b.aborted = true
	b.mu.Unlock()
	return b.factory.bus.Notify(buildAbortChannel(b.id))
}

// AbortNotifier wakes its holder when the build is aborted.
func (b *Build) AbortNotifier() (Notifier, error) {
	return newConditionNotifier(b.factory.bus, buildAbortChannel(b.id), func() (bool, error) {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.aborted, nil
	})
}

// Events returns a source of the build's events from event from on.
func (b *Build) Events(from int) (*EventSource, error) {
	notifier, err := newConditionNotifier(b.factory.bus, buildEventsChannel(b.id), func() (bool, error) {
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	return &EventSource{build: b, next: from, notifier: notifier}, nil
}

// EventSource yields a build's events as they are saved.
type EventSource struct {
	build    *Build
	next     int
	notifier Notifier
}

// Next waits for the next event; it returns false when the build is
// finished and every event was read.
func (s *EventSource) Next(stop <-chan struct{}) (Event, bool) {
	for {
		s.build.mu.Lock()
		if s.next < len(s.build.events) {
			ev := s.build.events[s.next]
			s.next++
			s.build.mu.Unlock()
			return ev, true
		}
		done := s.build.finished
		s.build.mu.Unlock()
		if done {
			return Event{}, false
		}
		select {
		case <-s.notifier.Notify():
		case <-stop:
			return Event{}, false
		}
	}
}

// Close stops listening.
func (s *EventSource) Close() error { return s.notifier.Close() }

func buildEventsChannel(buildID int) string { return fmt.Sprintf("build_events_%d", buildID) }

func buildAbortChannel(buildID int) string { return fmt.Sprintf("build_abort_%d", buildID) }

// BuildFactory creates and finds builds.
type BuildFactory struct {
	bus NotificationsBus

	mu     sync.Mutex
	nextID int
	builds map[int]*Build
	order  []int
	keep   int
}

// NewBuildFactory returns a factory over bus that keeps the last keep
// builds.
func NewBuildFactory(bus NotificationsBus, keep int) *BuildFactory {
	return &BuildFactory{bus: bus, builds: map[int]*Build{}, keep: keep}
}

// CreateBuild starts a new build record.
func (f *BuildFactory) CreateBuild() *Build {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	b := &Build{factory: f, id: f.nextID}
	f.builds[b.id] = b
	f.order = append(f.order, b.id)
	if len(f.order) > f.keep {
		delete(f.builds, f.order[0])
		f.order = f.order[1:]
	}
	return b
}

// Build returns the build of id.
func (f *BuildFactory) Build(id int) (*Build, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.builds[id]
	if !ok {
		return nil, ErrBuildNotFound
	}
	return b, nil
}
