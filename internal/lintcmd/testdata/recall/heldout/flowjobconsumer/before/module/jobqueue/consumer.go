// Package jobqueue reproduces, in its own words, the job consumer of the
// Flow node (module/jobqueue) as it was before commit
// 62ec6d1b2d40ac4385781fdddb1f0226e5d5fadd ("Fix job consumer memory
// leak", onflow/flow-go PR #656:
// https://github.com/onflow/flow-go/pull/656; before/ is the code before
// the change, after/ as changed). The consumer reads jobs by index, runs
// up to maxProcessing of them at a time, and moves its processed index
// forward over the jobs its workers report done. It tracked each job in
// two maps, the status by index and the index by job ID, and removed
// neither once the processed index had passed the job, so a node kept an
// entry in each for every job it ever consumed (one per sealed block or
// chunk). The fix deletes both entries as the processed index moves past
// them.
package jobqueue

import (
	"errors"
	"fmt"
	"log"
	"sync"
	"sync/atomic"

	"recall/heldout/flowjobconsumer/before/module"
	"recall/heldout/flowjobconsumer/before/storage"
)

// Worker runs the jobs of a consumer and tells it when each is done.
type Worker interface {
	Run(job module.Job) error
}

// Consumer hands the jobs of a queue to its worker, in order, a bounded
// number at a time.
type Consumer struct {
	mu sync.Mutex

	jobs     module.Jobs
	progress storage.ConsumerProgress
	worker   Worker

	maxProcessing int64

	running     bool
	isChecking  atomic.Bool
	runningJobs sync.WaitGroup

	processedIndex   uint64
	processings      map[uint64]*jobStatus   // status of each job started
	processingsIndex map[module.JobID]uint64 // index of each job started
}

// NewConsumer returns a consumer of jobs whose progress is kept in
// progress.
func NewConsumer(jobs module.Jobs, progress storage.ConsumerProgress, worker Worker, maxProcessing int64) *Consumer {
	return &Consumer{
		jobs:             jobs,
		progress:         progress,
		worker:           worker,
		maxProcessing:    maxProcessing,
		processings:      make(map[uint64]*jobStatus),
		processingsIndex: make(map[module.JobID]uint64),
	}
}

// Start resumes from the stored processed index, or from defaultIndex the
// first time.
func (c *Consumer) Start(defaultIndex uint64) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.running {
		return nil
	}
	c.running = true

	processedIndex, err := c.progress.ProcessedIndex()
	if errors.Is(err, storage.ErrNotFound) {
		if err := c.progress.InitProcessedIndex(defaultIndex); err != nil {
			return fmt.Errorf("could not init processed index: %w", err)
		}
		processedIndex = defaultIndex
	} else if err != nil {
		return fmt.Errorf("could not read processed index: %w", err)
	}
	c.processedIndex = processedIndex
	c.checkProcessable()
	return nil
}

// Stop starts no more jobs and waits for the running ones.
func (c *Consumer) Stop() {
	c.mu.Lock()
	c.running = false
	c.mu.Unlock()
	c.runningJobs.Wait()
}

// NotifyJobIsDone is called by the worker when a job is done.
func (c *Consumer) NotifyJobIsDone(jobID module.JobID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.doneJob(jobID) {
		c.checkProcessable()
	}
}

// Check looks for new jobs, when the queue tells that some arrived.
func (c *Consumer) Check() {
	if !c.isChecking.CompareAndSwap(false, true) {
		return
	}
	defer c.isChecking.Store(false)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.checkProcessable()
}

func (c *Consumer) checkProcessable() {
	if _, err := c.run(); err != nil {
		log.Printf("jobqueue: failed to check processables: %v", err)
	}
}

func (c *Consumer) run() (int64, error) {
	processables, processedTo, err := c.processableJobs()
	if err != nil {
		return 0, fmt.Errorf("could not query processable jobs: %w", err)
	}

	for _, indexed := range processables {
		jobID := indexed.job.ID()
		c.processingsIndex[jobID] = indexed.index               // want growonly "."
		c.processings[indexed.index] = &jobStatus{jobID: jobID} // want growonly "."

		c.runningJobs.Add(1)
		go func(j *jobAtIndex) {
			defer c.runningJobs.Done()
			if err := c.worker.Run(j.job); err != nil {
				log.Fatalf("jobqueue: could not run job %v: %v", j.job.ID(), err)
			}
		}(indexed)
	}

	if err := c.progress.SetProcessedIndex(processedTo); err != nil {
		return 0, fmt.Errorf("could not set processed index %v: %w", processedTo, err)
	}
	c.processedIndex = processedTo
	return int64(len(processables)), nil
}

func (c *Consumer) processableJobs() ([]*jobAtIndex, uint64, error) {
	processables, processedTo, err := processableJobs(c.jobs, c.processings, c.maxProcessing, c.processedIndex)
	if err != nil {
		return nil, 0, err
	}
	if !c.running {
		return nil, processedTo, nil
	}
	return processables, processedTo, nil
}

// processableJobs returns the jobs after processedIndex not started yet,
// while fewer than maxProcessing run, and moves processedIndex over the
// done jobs that follow it.
func processableJobs(jobs module.Jobs, processings map[uint64]*jobStatus, maxProcessing int64, processedIndex uint64) ([]*jobAtIndex, uint64, error) {
	var processables []*jobAtIndex
	processing := int64(0)
	for i := processedIndex + 1; processing < maxProcessing; i++ {
		status, ok := processings[i]
		if !ok {
			job, err := jobs.AtIndex(i)
			if errors.Is(err, storage.ErrNotFound) {
				break
			}
			if err != nil {
				return nil, 0, fmt.Errorf("could not read job at index %v: %w", i, err)
			}
			processing++
			processables = append(processables, &jobAtIndex{job: job, index: i})
			continue
		}
		if !status.done {
			processing++
			continue
		}
		if i == processedIndex+1 {
			processedIndex++
		}
	}
	return processables, processedIndex, nil
}

func (c *Consumer) doneJob(jobID module.JobID) bool {
	index, ok := c.processingsIndex[jobID]
	if !ok {
		return false
	}
	status, ok := c.processings[index]
	if !ok || status.done {
		return false
	}
	status.done = true
	return true
}

type jobAtIndex struct {
	job   module.Job
	index uint64
}

type jobStatus struct {
	jobID module.JobID
	done  bool
}
