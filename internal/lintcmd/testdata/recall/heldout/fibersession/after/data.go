// Package session reproduces, in its own words, the session data leak
// fixed in Fiber's session middleware:
// https://github.com/gofiber/fiber/pull/2156 (issue #2149, commit
// a023fc2947459131b88210e8329640a34b450a16; before/ is the code before the
// fix, after/ as fixed). Sessions are pooled and each holds its key/value
// map; releasing a session emptied the map key by key, so every pooled
// session kept the map of the largest session it ever served.
package session

import "sync"

type data struct {
	sync.RWMutex
	Data map[string]interface{}
}

var dataPool = sync.Pool{
	New: func() interface{} {
		return &data{Data: make(map[string]interface{})}
	},
}

func acquireData() *data {
	return dataPool.Get().(*data)
}

// Reset empties the data for the next session.
func (d *data) Reset() {
	d.Lock()
	d.Data = make(map[string]interface{})
	d.Unlock()
}

func (d *data) Get(key string) interface{} {
	d.RLock()
	v := d.Data[key]
	d.RUnlock()
	return v
}

func (d *data) Set(key string, value interface{}) {
	d.Lock()
	d.Data[key] = value
	d.Unlock()
}

func (d *data) Delete(key string) {
	d.Lock()
	delete(d.Data, key)
	d.Unlock()
}
