// Package filestore stands in for krok's Postgres stores: repositories
// are read once from a JSON file, events and command runs are appended
// as JSON lines to a log and get increasing IDs.
package filestore

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"sync"
	"sync/atomic"

	"recall/heldout/krokruns/after/pkg/models"
)

// ErrNotFound is returned for unknown repositories.
var ErrNotFound = errors.New("not found")

// Repositories is a fixed set of repositories.
type Repositories struct {
	byID map[int]*models.Repository
}

// LoadRepositories reads a JSON array of repositories from path.
func LoadRepositories(path string) (*Repositories, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list []*models.Repository
	if err := json.Unmarshal(data, &list); err != nil {
		return nil, err
	}
	r := &Repositories{byID: make(map[int]*models.Repository, len(list))}
	for _, repo := range list {
		r.byID[repo.ID] = repo
	}
	return r, nil
}

// Get returns the repository with id.
func (r *Repositories) Get(_ context.Context, id int) (*models.Repository, error) {
	repo, ok := r.byID[id]
	if !ok {
		return nil, ErrNotFound
	}
	return repo, nil
}

// Journal appends events and command runs to w.
type Journal struct {
	mu     sync.Mutex
	enc    *json.Encoder
	nextID atomic.Int64
}

// NewJournal writes to w.
func NewJournal(w io.Writer) *Journal { return &Journal{enc: json.NewEncoder(w)} }

func (j *Journal) write(kind string, v any) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.enc.Encode(map[string]any{kind: v})
}

// Create stores event under a new ID.
func (j *Journal) Create(_ context.Context, event *models.Event) (*models.Event, error) {
	e := *event
	e.ID = int(j.nextID.Add(1))
	return &e, j.write("event", &e)
}

// CreateRun stores run under a new ID.
func (j *Journal) CreateRun(_ context.Context, run *models.CommandRun) (*models.CommandRun, error) {
	r := *run
	r.ID = int(j.nextID.Add(1))
	return &r, j.write("command_run", &r)
}

// UpdateRunStatus records a run's outcome.
func (j *Journal) UpdateRunStatus(_ context.Context, id int, status, outcome string) error {
	return j.write("command_run_status", map[string]any{"id": id, "status": status, "outcome": outcome})
}
