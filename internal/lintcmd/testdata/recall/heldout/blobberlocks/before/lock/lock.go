// Package lock reproduces, in its own words, the lock-pool leak fixed in
// 0chain's blobber: https://github.com/0chain/blobber/issues/294 (pull
// request #295, merge commit 378793afd70fd4e773889c95b433462f0b51ad23;
// before/ is the code before the fix, after/ as fixed). Handlers
// serialise their work on a database row by taking a mutex named after
// the table and the row's key (a connection, allocation or challenge ID
// from the request); the mutexes were kept in a package-level map that
// nothing ever removed from, one per ID the blobber ever saw.
package lock

import "sync"

var (
	lockPool  = make(map[string]*sync.Mutex)
	lockMutex sync.Mutex
)

// GetMutex returns the mutex of the row key of table.
func GetMutex(table, key string) *sync.Mutex {
	name := table + ":" + key
	lockMutex.Lock()
	defer lockMutex.Unlock()
	if m, ok := lockPool[name]; ok {
		return m
	}
	m := &sync.Mutex{}
	lockPool[name] = m // want growonly "."
	return m
}
