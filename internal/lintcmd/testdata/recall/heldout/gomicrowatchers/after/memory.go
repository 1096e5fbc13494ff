// Package memory reproduces, in its own words, the config watcher map
// replaced in go-micro: https://github.com/micro/go-micro/pull/1020
// (merge 18cf02505679c710b2ec2081ac227bdac2e7ee38; before/ is the code
// before the fix, after/ as fixed). The loader keeps its watchers in a map
// under an ever-increasing ID and deletes each when it stops; deleting
// never shrinks the map, so it keeps the size of its largest burst of
// watchers.
package memory

import (
	"bytes"
	"container/list"
	"errors"
	"sync"
)

type watcher struct {
	exit    chan bool
	path    []string
	value   []byte
	updates chan []byte
}

// memory is the config loader; a service keeps it for its life.
type memory struct {
	sync.RWMutex
	vals     map[string][]byte
	watchers *list.List
}

func NewLoader() *memory {
	return &memory{vals: map[string][]byte{}, watchers: list.New()}
}

func (m *memory) get(path []string) []byte {
	m.RLock()
	defer m.RUnlock()
	var key string
	for _, p := range path {
		key += "/" + p
	}
	return m.vals[key]
}

// update sends the current values to every watcher.
func (m *memory) update() {
	m.RLock()
	ws := make([]*watcher, 0, m.watchers.Len())
	for e := m.watchers.Front(); e != nil; e = e.Next() {
		ws = append(ws, e.Value.(*watcher))
	}
	m.RUnlock()
	for _, w := range ws {
		select {
		case w.updates <- m.get(w.path):
		default:
		}
	}
}

// Watch returns a watcher of the value at path.
func (m *memory) Watch(path ...string) (*watcher, error) {
	value := m.get(path)
	m.Lock()
	w := &watcher{exit: make(chan bool), path: path, value: value, updates: make(chan []byte, 1)}
	e := m.watchers.PushBack(w)
	m.Unlock()

	go func() {
		<-w.exit
		m.Lock()
		m.watchers.Remove(e)
		m.Unlock()
	}()
	return w, nil
}

// Next waits for the next change of the watched value.
func (w *watcher) Next() ([]byte, error) {
	for {
		select {
		case <-w.exit:
			return nil, errors.New("watcher stopped")
		case v := <-w.updates:
			if bytes.Equal(w.value, v) {
				continue
			}
			w.value = v
			return v, nil
		}
	}
}

func (w *watcher) Stop() error {
	select {
	case <-w.exit:
	default:
		close(w.exit)
	}
	return nil
}
