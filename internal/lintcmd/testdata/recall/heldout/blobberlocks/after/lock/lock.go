// Package lock reproduces, in its own words, the lock-pool leak fixed in
// 0chain's blobber: https://github.com/0chain/blobber/issues/294 (pull
// request #295, merge commit 378793afd70fd4e773889c95b433462f0b51ad23;
// before/ is the code before the fix, after/ as fixed). Handlers
// serialise their work on a database row by taking a mutex named after
// the table and the row's key (a connection, allocation or challenge ID
// from the request); the mutexes were kept in a package-level map that
// nothing ever removed from, one per ID the blobber ever saw.
package lock

import (
	"sync"
	"time"
)

// CleanInterval is how often mutexes nobody holds are dropped.
var CleanInterval = 10 * time.Minute

var (
	lockPool  = make(map[string]*Mutex)
	lockMutex sync.Mutex
)

// Mutex is a row mutex that counts its users, so that the cleaner can
// drop it when nobody holds or waits for it.
type Mutex struct {
	usedBy int // guarded by lockMutex
	sync.Mutex
}

// Unlock releases the mutex and one use of it.
func (m *Mutex) Unlock() {
	lockMutex.Lock()
	defer lockMutex.Unlock()
	m.usedBy--
	m.Mutex.Unlock()
}

// GetMutex returns the mutex of the row key of table; the caller must
// Lock and then Unlock it.
func GetMutex(table, key string) *Mutex {
	name := table + ":" + key
	lockMutex.Lock()
	defer lockMutex.Unlock()
	if m, ok := lockPool[name]; ok {
		m.usedBy++
		return m
	}
	m := &Mutex{usedBy: 1}
	lockPool[name] = m
	return m
}

func init() {
	go cleaner()
}

func cleaner() {
	for {
		time.Sleep(CleanInterval)
		cleanUnused()
	}
}

func cleanUnused() {
	lockMutex.Lock()
	defer lockMutex.Unlock()
	for k, m := range lockPool {
		if m.usedBy < 1 {
			delete(lockPool, k)
		}
	}
}
