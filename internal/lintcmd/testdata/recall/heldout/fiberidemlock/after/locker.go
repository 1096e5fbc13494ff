// Package idempotency reproduces, in its own words, the key lock leak
// fixed in Fiber's idempotency middleware:
// https://github.com/gofiber/fiber/pull/3263 (commit
// 775e0a73f3fc0eba0940488e2accd3b87ab245ee; before/ is the code before the
// fix, after/ as fixed). Requests carrying the same idempotency key are
// serialised by a mutex per key; the mutex was made on the first request
// with that key and never dropped, so the lock map grew by one entry per
// key any client ever sent.
package idempotency

import "sync"

// Locker serialises the requests of one key.
type Locker interface {
	Lock(key string) error
	Unlock(key string) error
}

// countedLock is a key's mutex with the number of holders and waiters.
type countedLock struct {
	mu    sync.Mutex
	users int
}

// MemoryLock is the default Locker: one mutex per key, in memory.
type MemoryLock struct {
	mu   sync.Mutex
	keys map[string]*countedLock
}

func NewMemoryLock() *MemoryLock {
	return &MemoryLock{keys: make(map[string]*countedLock)}
}

func (l *MemoryLock) Lock(key string) error {
	l.mu.Lock()
	lock, ok := l.keys[key]
	if !ok {
		lock = new(countedLock)
		l.keys[key] = lock
	}
	lock.users++
	l.mu.Unlock()

	lock.mu.Lock()
	return nil
}

func (l *MemoryLock) Unlock(key string) error {
	l.mu.Lock()
	lock, ok := l.keys[key]
	if !ok {
		// unlocking a key that was never locked
		l.mu.Unlock()
		return nil
	}
	l.mu.Unlock()

	lock.mu.Unlock()

	l.mu.Lock()
	lock.users--
	if lock.users <= 0 {
		// nobody holds or waits for the key any more
		delete(l.keys, key)
	}
	l.mu.Unlock()
	return nil
}

var _ Locker = (*MemoryLock)(nil)
