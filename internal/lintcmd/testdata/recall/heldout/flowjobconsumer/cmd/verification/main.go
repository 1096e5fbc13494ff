// Command verification runs the job consumers of flowjobconsumer: it
// accepts sealed chunk IDs, one per line, on VERIFICATION_ADDR, appends
// them to a job queue and verifies them through a consumer of each form.
package main

import (
	"bufio"
	"log"
	"net"
	"os"
	"strings"
	"sync"

	aftermodule "recall/heldout/flowjobconsumer/after/module"
	afterqueue "recall/heldout/flowjobconsumer/after/module/jobqueue"
	afterstorage "recall/heldout/flowjobconsumer/after/storage"
	beforemodule "recall/heldout/flowjobconsumer/before/module"
	beforequeue "recall/heldout/flowjobconsumer/before/module/jobqueue"
	beforestorage "recall/heldout/flowjobconsumer/before/storage"
)

type chunkJob string

func (j chunkJob) ID() beforemodule.JobID { return beforemodule.JobID(j) }

type afterChunkJob string

func (j afterChunkJob) ID() aftermodule.JobID { return aftermodule.JobID(j) }

// queue is the append-only list of chunk IDs both consumers read.
type queue struct {
	mu     sync.Mutex
	chunks []string
}

func (q *queue) at(index uint64) (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if index == 0 || index > uint64(len(q.chunks)) {
		return "", false
	}
	return q.chunks[index-1], true
}

type beforeJobs struct{ q *queue }

func (j beforeJobs) AtIndex(i uint64) (beforemodule.Job, error) {
	c, ok := j.q.at(i)
	if !ok {
		return nil, beforestorage.ErrNotFound
	}
	return chunkJob(c), nil
}

type afterJobs struct{ q *queue }

func (j afterJobs) AtIndex(i uint64) (aftermodule.Job, error) {
	c, ok := j.q.at(i)
	if !ok {
		return nil, afterstorage.ErrNotFound
	}
	return afterChunkJob(c), nil
}

type beforeWorker struct{ c *beforequeue.Consumer }

func (w *beforeWorker) Run(job beforemodule.Job) error {
	go w.c.NotifyJobIsDone(job.ID())
	return nil
}

type afterWorker struct{ c *afterqueue.Consumer }

func (w *afterWorker) Run(job aftermodule.Job) error {
	go w.c.NotifyJobIsDone(job.ID())
	return nil
}

func main() {
	q := &queue{}
	bw := &beforeWorker{}
	bw.c = beforequeue.NewConsumer(beforeJobs{q}, &beforestorage.MemoryProgress{}, bw, 20)
	aw := &afterWorker{}
	aw.c = afterqueue.NewConsumer(afterJobs{q}, &afterstorage.MemoryProgress{}, aw, 20)
	if err := bw.c.Start(0); err != nil {
		log.Fatal(err)
	}
	if err := aw.c.Start(0); err != nil {
		log.Fatal(err)
	}

	ln, err := net.Listen("tcp", os.Getenv("VERIFICATION_ADDR"))
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func(c net.Conn) {
			defer c.Close()
			sc := bufio.NewScanner(c)
			for sc.Scan() {
				id := strings.TrimSpace(sc.Text())
				if id == "" {
					continue
				}
				q.mu.Lock()
				q.chunks = append(q.chunks, id)
				q.mu.Unlock()
				bw.c.Check()
				aw.c.Check()
			}
		}(c)
	}
}
