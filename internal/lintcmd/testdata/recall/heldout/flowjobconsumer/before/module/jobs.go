// Package module holds the job interfaces of the job queue (see package
// jobqueue for the upstream fix).
package module

// JobID identifies a job.
type JobID string

// Job is a unit of work a consumer hands to its worker.
type Job interface {
	ID() JobID
}

// Jobs reads the jobs of a queue by their index, from 1 on; a missing
// index returns storage.ErrNotFound.
type Jobs interface {
	AtIndex(index uint64) (Job, error)
}
