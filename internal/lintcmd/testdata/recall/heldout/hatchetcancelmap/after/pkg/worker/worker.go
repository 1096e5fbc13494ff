// Package worker runs the steps of workflows that the engine assigns to
// this process.
//
// The fixed shape of hatchet-dev/hatchet's Go SDK worker after
// https://github.com/hatchet-dev/hatchet/pull/1168 (commit 75cd8e6795,
// "fix: memory leak in go-sdk"): a step run's cancel function is removed
// from cancelMap when startStepRun returns.
package worker

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"sync"
	"time"

	"recall/heldout/hatchetcancelmap/after/pkg/client"
)

// StepFunc runs one step with its JSON input.
type StepFunc func(ctx context.Context, input json.RawMessage) (any, error)

// Worker registers steps under action IDs and runs those the dispatcher
// assigns, each in its own goroutine.
type Worker struct {
	name       string
	dispatcher client.Dispatcher
	actions    map[string]StepFunc
	l          *log.Logger

	cancelMap sync.Map
}

// NewWorker returns a worker named name that talks to d.
func NewWorker(name string, d client.Dispatcher) *Worker {
	return &Worker{name: name, dispatcher: d, actions: make(map[string]StepFunc), l: log.Default()}
}

// RegisterAction runs fn for the actions named actionID.
func (w *Worker) RegisterAction(actionID string, fn StepFunc) {
	w.actions[actionID] = fn
}

// Start listens for assignments until ctx ends or the dispatcher fails.
func (w *Worker) Start(ctx context.Context) error {
	names := make([]string, 0, len(w.actions))
	for n := range w.actions {
		names = append(names, n)
	}
	actions, errs, err := w.dispatcher.Listen(ctx, w.name, names)
	if err != nil {
		return fmt.Errorf("could not listen for actions: %w", err)
	}
	for {
		select {
		case a, ok := <-actions:
			if !ok {
				return nil
			}
			go func(a *client.Action) {
				if err := w.executeAction(context.Background(), a); err != nil {
					w.l.Printf("could not execute action %s: %v", a.ActionID, err)
				}
			}(a)
		case err := <-errs:
			return err
		case <-ctx.Done():
			return nil
		}
	}
}

func (w *Worker) executeAction(ctx context.Context, a *client.Action) error {
	switch a.ActionType {
	case client.ActionTypeStartStepRun:
		return w.startStepRun(ctx, a)
	case client.ActionTypeCancelStepRun:
		return w.cancelStepRun(a)
	default:
		return fmt.Errorf("unknown action type %q", a.ActionType)
	}
}

func (w *Worker) event(a *client.Action, t client.ActionEventType, payload any) *client.ActionEvent {
	return &client.ActionEvent{StepRunID: a.StepRunID, EventType: t, Timestamp: time.Now().UTC(), Payload: payload}
}

func (w *Worker) startStepRun(ctx context.Context, a *client.Action) error {
	if err := w.dispatcher.SendStepActionEvent(ctx, w.event(a, client.ActionEventTypeStarted, nil)); err != nil {
		return fmt.Errorf("could not send action event: %w", err)
	}
	fn, ok := w.actions[a.ActionID]
	if !ok {
		return fmt.Errorf("no step registered for %s", a.ActionID)
	}

	runCtx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w.cancelMap.Store(a.StepRunID, cancel)
	defer w.cancelMap.Delete(a.StepRunID)

	out, err := fn(runCtx, a.Payload)
	select {
	case <-runCtx.Done():
		// Cancelled while running: the engine already knows.
		return nil
	default:
	}
	if err != nil {
		return w.dispatcher.SendStepActionEvent(ctx, w.event(a, client.ActionEventTypeFailed, err.Error()))
	}
	return w.dispatcher.SendStepActionEvent(ctx, w.event(a, client.ActionEventTypeCompleted, out))
}

func (w *Worker) cancelStepRun(a *client.Action) error {
	c, ok := w.cancelMap.Load(a.StepRunID)
	if !ok {
		return fmt.Errorf("could not find step run %s to cancel", a.StepRunID)
	}
	c.(context.CancelFunc)()
	return nil
}
