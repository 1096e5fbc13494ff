// Package zap reproduces, in its own words, the vector index cache of
// bleve's zapx segment format as it was before commit
// 8de565120d2b555ee03f513d120a52b428328d2b ("add map capacity",
// blevesearch/zapx PR #237: https://github.com/blevesearch/zapx/pull/237;
// before/ is the code before the change, after/ as changed). On a cache
// miss, a segment's vector section is decoded into the vector index and a
// map from vector ID to document ID. The section begins with the number
// of vectors, and the map was made empty and grown pair by pair; the fix
// makes it with that number (vectors of excluded documents are skipped,
// so the hint is an upper bound).
package zap

import (
	"encoding/binary"
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Bitmap is a set of document numbers.
type Bitmap interface {
	Contains(docNum uint32) bool
	IsEmpty() bool
}

// VectorIndex is a decoded vector index of one field.
type VectorIndex struct {
	dims int
	data []byte
}

func readIndexFromBuffer(b []byte) (*VectorIndex, error) {
	if len(b) < 4 {
		return nil, errors.New("vector index too short")
	}
	return &VectorIndex{dims: int(binary.LittleEndian.Uint32(b)), data: b[4:]}, nil
}

func newVectorIndexCache() *vectorIndexCache {
	return &vectorIndexCache{
		cache:   make(map[uint16]*cacheEntry),
		closeCh: make(chan struct{}),
	}
}

type vectorIndexCache struct {
	closeCh chan struct{}
	m       sync.RWMutex
	cache   map[uint16]*cacheEntry
}

// loadOrCreate returns the field's index and vector-to-document map,
// decoding them from mem on a miss, and the vectors of the excepted
// documents.
func (vc *vectorIndexCache) loadOrCreate(fieldID uint16, mem []byte, except Bitmap) (
	index *VectorIndex, vecDocIDMap map[int64]uint32, vecIDsToExclude []int64, err error) {
	vc.m.RLock()
	entry, ok := vc.cache[fieldID]
	vc.m.RUnlock()
	if ok {
		atomic.AddUint64(&entry.hits, 1)
		return entry.index, entry.vecDocIDMap, excluded(entry.vecDocIDMap, except), nil
	}
	return vc.createAndCache(fieldID, mem, except)
}

func excluded(vecDocIDMap map[int64]uint32, except Bitmap) []int64 {
	if except == nil || except.IsEmpty() {
		return nil
	}
	var ids []int64
	for vecID, docID := range vecDocIDMap {
		if except.Contains(docID) {
			ids = append(ids, vecID)
		}
	}
	return ids
}

func (vc *vectorIndexCache) createAndCache(fieldID uint16, mem []byte, except Bitmap) (
	index *VectorIndex, vecDocIDMap map[int64]uint32, vecIDsToExclude []int64, err error) {
	vc.m.Lock()
	defer vc.m.Unlock()

	// Another reader may have built it meanwhile.
	if entry, ok := vc.cache[fieldID]; ok {
		return entry.index, entry.vecDocIDMap, excluded(entry.vecDocIDMap, except), nil
	}

	pos := 0
	numVecs, n := binary.Uvarint(mem[pos:])
	pos += n

	vecDocIDMap = make(map[int64]uint32) // want mapprealloc "."
	isExceptNotEmpty := except != nil && !except.IsEmpty()
	for i := 0; i < int(numVecs); i++ {
		vecID, n := binary.Varint(mem[pos:])
		pos += n
		docID, n := binary.Uvarint(mem[pos:])
		pos += n

		docNum := uint32(docID)
		if isExceptNotEmpty && except.Contains(docNum) {
			vecIDsToExclude = append(vecIDsToExclude, vecID)
			continue
		}
		vecDocIDMap[vecID] = docNum
	}

	indexSize, n := binary.Uvarint(mem[pos:])
	pos += n
	index, err = readIndexFromBuffer(mem[pos : pos+int(indexSize)])
	if err != nil {
		return nil, nil, nil, err
	}

	if len(vc.cache) == 0 {
		go vc.monitor()
	}
	vc.cache[fieldID] = &cacheEntry{index: index, vecDocIDMap: vecDocIDMap, hits: 1}
	return index, vecDocIDMap, vecIDsToExclude, nil
}

type cacheEntry struct {
	hits        uint64
	index       *VectorIndex
	vecDocIDMap map[int64]uint32
}

var monitorFreq = time.Second

// monitor drops the entries nobody used since its last tick, and stops
// once the cache is empty.
func (vc *vectorIndexCache) monitor() {
	t := time.NewTicker(monitorFreq)
	defer t.Stop()
	for {
		select {
		case <-vc.closeCh:
			return
		case <-t.C:
			vc.m.Lock()
			for fieldID, entry := range vc.cache {
				if atomic.SwapUint64(&entry.hits, 0) == 0 {
					delete(vc.cache, fieldID)
				}
			}
			empty := len(vc.cache) == 0
			vc.m.Unlock()
			if empty {
				return
			}
		}
	}
}

// Clear drops every entry and stops the monitor.
func (vc *vectorIndexCache) Clear() {
	vc.m.Lock()
	close(vc.closeCh)
	vc.cache = nil
	vc.m.Unlock()
}
