package main

import (
	"sync"
	"time"
)

// auditLog keeps a record of every request: a leak, but not of a map.
type auditLog struct {
	mu      sync.Mutex
	records []auditRecord
}

type auditRecord struct {
	at     time.Time
	client string
	path   string
	query  string
}

func (a *auditLog) record(client, path, query string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.records = append(a.records, auditRecord{at: time.Now(), client: client, path: path, query: query})
}
