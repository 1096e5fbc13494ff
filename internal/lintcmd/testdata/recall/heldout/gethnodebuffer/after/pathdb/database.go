package pathdb

import "sync"

// Database is the trie database of a running node: every imported block
// commits its dirty nodes here.
type Database struct {
	mu     sync.Mutex
	buffer *nodebuffer
	flush  func(map[Hash]map[string]*Node)
}

func New(limit int, flush func(map[Hash]map[string]*Node)) *Database {
	return &Database{buffer: newNodeBuffer(limit), flush: flush}
}

// Update merges the dirty nodes of one block.
func (db *Database) Update(nodes map[Hash]map[string]*Node) {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.buffer.commit(nodes)
	if db.buffer.full() {
		db.flush(db.buffer.nodes)
		db.buffer.reset()
	}
}
