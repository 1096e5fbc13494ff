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

// MemoryLock is the default Locker: one mutex per key, in memory.
type MemoryLock struct {
	mu   sync.Mutex
	keys map[string]*sync.Mutex
}

func NewMemoryLock() *MemoryLock {
	return &MemoryLock{keys: make(map[string]*sync.Mutex)}
}

func (l *MemoryLock) Lock(key string) error {
	l.mu.Lock()
	mu, ok := l.keys[key]
	if !ok {
		mu = new(sync.Mutex)
		l.keys[key] = mu // want growonly "."
	}
	l.mu.Unlock()

	mu.Lock()
	return nil
}

func (l *MemoryLock) Unlock(key string) error {
	l.mu.Lock()
	mu, ok := l.keys[key]
	l.mu.Unlock()
	if !ok {
		// unlocking a key that was never locked
		return nil
	}
	mu.Unlock()
	return nil
}

var _ Locker = (*MemoryLock)(nil)
