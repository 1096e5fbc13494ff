// Package storage holds the consumer's progress store (see package
// jobqueue for the upstream fix).
package storage

import (
	"errors"
	"sync"
)

// ErrNotFound reports a missing record.
var ErrNotFound = errors.New("not found")

// ErrAlreadyExists reports a record that was initialised already.
var ErrAlreadyExists = errors.New("already exists")

// ConsumerProgress stores the index of the last job a consumer processed,
// so that it can resume after a restart.
type ConsumerProgress interface {
	ProcessedIndex() (uint64, error)
	InitProcessedIndex(index uint64) error
	SetProcessedIndex(index uint64) error
}

// MemoryProgress is a ConsumerProgress held in memory.
type MemoryProgress struct {
	mu    sync.Mutex
	set   bool
	index uint64
}

func (p *MemoryProgress) ProcessedIndex() (uint64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.set {
		return 0, ErrNotFound
	}
	return p.index, nil
}

func (p *MemoryProgress) InitProcessedIndex(index uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.set {
		return ErrAlreadyExists
	}
	p.set, p.index = true, index
	return nil
}

func (p *MemoryProgress) SetProcessedIndex(index uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.set, p.index = true, index
	return nil
}
