// Package chunks reproduces, in its own words, the chunk write queue fixed
// in Prometheus: https://github.com/prometheus/prometheus/pull/10873
// (commit 03a2313f7a1d1ab7d9104343bb75fa656d223762; before/ is the code
// before the fix, after/ as fixed). Chunks wait in a map until a worker
// writes them; a burst grows the map to the queue's size, and Go never
// gives those tables back: the fix re-makes the map once it is empty.
package chunks

import (
	"sync"
)

type ChunkDiskMapperRef uint64

type Chunk []byte

type chunkWriteJob struct {
	ref ChunkDiskMapperRef
	chk Chunk
}

type chunkWriteQueue struct {
	jobs           chan chunkWriteJob
	chunkRefMapMtx sync.RWMutex
	chunkRefMap    map[ChunkDiskMapperRef]Chunk
	write          func(chunkWriteJob) error
}

func newChunkWriteQueue(size int, write func(chunkWriteJob) error) *chunkWriteQueue {
	q := &chunkWriteQueue{
		jobs:        make(chan chunkWriteJob, size),
		chunkRefMap: make(map[ChunkDiskMapperRef]Chunk),
		write:       write,
	}
	go func() {
		for job := range q.jobs {
			q.processJob(job)
		}
	}()
	return q
}

func (c *chunkWriteQueue) processJob(job chunkWriteJob) {
	_ = c.write(job)
	c.chunkRefMapMtx.Lock()
	defer c.chunkRefMapMtx.Unlock()
	delete(c.chunkRefMap, job.ref) // want mapclear "map field chunkWriteQueue.chunkRefMap is emptied one key at a time and never re-made"
}

func (c *chunkWriteQueue) addJob(job chunkWriteJob) {
	c.chunkRefMapMtx.Lock()
	c.chunkRefMap[job.ref] = job.chk
	c.chunkRefMapMtx.Unlock()
	c.jobs <- job
}

func (c *chunkWriteQueue) get(ref ChunkDiskMapperRef) Chunk {
	c.chunkRefMapMtx.RLock()
	defer c.chunkRefMapMtx.RUnlock()
	return c.chunkRefMap[ref]
}
