// Package client connects a worker to the engine's dispatcher: the
// dispatcher streams actions to run (start or cancel a step run) and the
// worker reports each step's progress back.
//
// The engine's gRPC dispatcher is replaced by JSON lines over TCP.
package client

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"sync"
	"time"
)

// ActionType says what the dispatcher asks of the worker.
type ActionType string

const (
	ActionTypeStartStepRun  ActionType = "START_STEP_RUN"
	ActionTypeCancelStepRun ActionType = "CANCEL_STEP_RUN"
)

// Action is one assignment from the dispatcher. StepRunID is generated
// by the engine, one per step run.
type Action struct {
	WorkerID      string          `json:"workerId"`
	ActionID      string          `json:"actionId"`
	ActionType    ActionType      `json:"actionType"`
	StepRunID     string          `json:"stepRunId"`
	WorkflowRunID string          `json:"workflowRunId"`
	Payload       json.RawMessage `json:"payload"`
}

// ActionEventType is the progress a worker reports.
type ActionEventType string

const (
	ActionEventTypeStarted   ActionEventType = "STARTED"
	ActionEventTypeCompleted ActionEventType = "COMPLETED"
	ActionEventTypeFailed    ActionEventType = "FAILED"
)

// ActionEvent reports a step run's progress.
type ActionEvent struct {
	StepRunID string          `json:"stepRunId"`
	EventType ActionEventType `json:"eventType"`
	Timestamp time.Time       `json:"timestamp"`
	Payload   any             `json:"payload,omitempty"`
}

// Dispatcher is the worker's view of the engine.
type Dispatcher interface {
	// Listen registers the worker for the given actions and streams
	// its assignments until ctx ends or the connection fails.
	Listen(ctx context.Context, workerName string, actions []string) (<-chan *Action, <-chan error, error)
	// SendStepActionEvent reports a step run's progress.
	SendStepActionEvent(ctx context.Context, ev *ActionEvent) error
}

type tcpDispatcher struct {
	conn net.Conn
	wmu  sync.Mutex
	enc  *json.Encoder
}

// Dial connects to a dispatcher at addr.
func Dial(addr string) (Dispatcher, error) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &tcpDispatcher{conn: c, enc: json.NewEncoder(c)}, nil
}

func (d *tcpDispatcher) send(v any) error {
	d.wmu.Lock()
	defer d.wmu.Unlock()
	return d.enc.Encode(v)
}

func (d *tcpDispatcher) Listen(ctx context.Context, workerName string, actions []string) (<-chan *Action, <-chan error, error) {
	if err := d.send(map[string]any{"register": workerName, "actions": actions}); err != nil {
		return nil, nil, err
	}
	out := make(chan *Action)
	errs := make(chan error, 1)
	go func() {
		defer close(out)
		sc := bufio.NewScanner(d.conn)
		for sc.Scan() {
			a := new(Action)
			if err := json.Unmarshal(sc.Bytes(), a); err != nil {
				continue
			}
			select {
			case out <- a:
			case <-ctx.Done():
				return
			}
		}
		if err := sc.Err(); err != nil {
			errs <- err
		}
	}()
	return out, errs, nil
}

func (d *tcpDispatcher) SendStepActionEvent(ctx context.Context, ev *ActionEvent) error {
	return d.send(ev)
}
