// Package executor runs an event's commands as processes next to krok.
//
// Reproduces, in our own words, the shape of krok-o/krok's in-memory
// executor before https://github.com/krok-o/krok/issues/130 ("The
// in-memory executer never cleans the map that it uses") was fixed in
// PR #129 (commit c57501a): CreateRun kept each event's processes in the
// runs map under the event's ID so that CancelRun could kill them, and
// only CancelRun removed the entry, so every event whose commands simply
// finished stayed in the map.
package executor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"recall/heldout/krokruns/before/pkg/krok/providers"
	"recall/heldout/krokruns/before/pkg/models"
)

// Config configures the executor.
type Config struct {
	MaxRuntime time.Duration
}

// Dependencies are the stores the executor records runs in.
type Dependencies struct {
	Logger      *log.Logger
	CommandRuns providers.CommandRunStorer
}

// InMemoryExecuter runs commands as child processes and keeps them by
// event ID until they are cancelled.
type InMemoryExecuter struct {
	Config
	Dependencies

	runsLock sync.RWMutex
	runs     map[int][]*exec.Cmd
}

// NewInMemoryExecuter returns an executor with no runs.
func NewInMemoryExecuter(cfg Config, deps Dependencies) *InMemoryExecuter {
	return &InMemoryExecuter{Config: cfg, Dependencies: deps, runs: make(map[int][]*exec.Cmd)}
}

// CreateRun starts every enabled command of event, each in a goroutine.
func (ime *InMemoryExecuter) CreateRun(ctx context.Context, event *models.Event, commands []*models.Command) error {
	cmds := make([]*exec.Cmd, 0, len(commands))
	for _, c := range commands {
		if !c.Enabled {
			continue
		}
		run, err := ime.CommandRuns.CreateRun(ctx, &models.CommandRun{
			EventID:     event.ID,
			CommandName: c.Name,
			Status:      "created",
			CreateAt:    time.Now(),
		})
		if err != nil {
			return err
		}
		cmd := exec.Command(filepath.Join(c.Location, c.Name), fmt.Sprintf("--event-id=%s", event.EventID))
		cmds = append(cmds, cmd)
		go ime.runCommand(cmd, run.ID, []byte(event.Payload))
	}
	ime.runsLock.Lock()
	ime.runs[event.ID] = cmds // want growonly "."
	ime.runsLock.Unlock()
	return nil
}

func (ime *InMemoryExecuter) update(runID int, status, outcome string) {
	if err := ime.CommandRuns.UpdateRunStatus(context.Background(), runID, status, outcome); err != nil {
		ime.Logger.Printf("updating command run %d: %v", runID, err)
	}
}

// runCommand runs one command to its end or its deadline and records
// the outcome.
func (ime *InMemoryExecuter) runCommand(cmd *exec.Cmd, runID int, payload []byte) {
	var stdout, stderr bytes.Buffer
	cmd.Stdin = bytes.NewReader(payload)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		ime.update(runID, "failed", err.Error())
		return
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			ime.update(runID, "failed", stderr.String())
			return
		}
		ime.update(runID, "success", stdout.String())
	case <-time.After(ime.MaxRuntime):
		ime.update(runID, "failed", "timeout")
		if err := cmd.Process.Kill(); err != nil {
			ime.Logger.Printf("killing pid %d: %v", cmd.Process.Pid, err)
		}
	}
}

// CancelRun kills the processes of the run of event id and forgets it.
func (ime *InMemoryExecuter) CancelRun(ctx context.Context, id int) error {
	ime.runsLock.RLock()
	cmds, ok := ime.runs[id]
	ime.runsLock.RUnlock()
	if !ok {
		return errors.New("run with ID not found")
	}
	failed := false
	for _, c := range cmds {
		if c.Process == nil {
			continue
		}
		if err := c.Process.Kill(); err != nil {
			ime.Logger.Printf("killing pid %d: %v", c.Process.Pid, err)
			failed = true
		}
	}
	if failed {
		return errors.New("there was an error while cancelling running commands")
	}
	ime.runsLock.Lock()
	delete(ime.runs, id)
	ime.runsLock.Unlock()
	return nil
}
