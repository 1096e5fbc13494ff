// Package providers declares the interfaces krok's parts talk through.
package providers

import (
	"context"

	"recall/heldout/krokruns/before/pkg/models"
)

// Executor runs the commands of an event.
type Executor interface {
	// CreateRun starts the commands for event; the event's ID names the
	// run from then on.
	CreateRun(ctx context.Context, event *models.Event, commands []*models.Command) error
	// CancelRun kills the commands of the run of event id.
	CancelRun(ctx context.Context, id int) error
}

// RepositoryStorer looks up repositories.
type RepositoryStorer interface {
	Get(ctx context.Context, id int) (*models.Repository, error)
}

// EventsStorer stores events and assigns their IDs.
type EventsStorer interface {
	Create(ctx context.Context, event *models.Event) (*models.Event, error)
}

// CommandRunStorer stores command runs and their outcome.
type CommandRunStorer interface {
	CreateRun(ctx context.Context, run *models.CommandRun) (*models.CommandRun, error)
	UpdateRunStatus(ctx context.Context, id int, status, outcome string) error
}
