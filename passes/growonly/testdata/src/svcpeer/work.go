package svcpeer

import (
	"context"
	"os/exec"
	"sync"
	"time"
)

// An entry kept for work a call starts, deleted only when that work is
// cancelled, stays when the work ends on its own (krok's in-memory
// executor, https://github.com/krok-o/krok/issues/130).

type Executor struct {
	mu   sync.Mutex
	runs map[int]*exec.Cmd
}

func (e *Executor) CreateRun(id int, path string) {
	cmd := exec.Command(path)
	go e.run(cmd)
	e.mu.Lock()
	e.runs[id] = cmd // want `map field Executor.runs keeps an entry for the work CreateRun starts \(go run, line 21\), and only CancelRun deletes one: work that ends on its own leaves its entry behind`
	e.mu.Unlock()
}

func (e *Executor) run(cmd *exec.Cmd) {
	if err := cmd.Start(); err != nil {
		return
	}
	cmd.Wait()
}

func (e *Executor) CancelRun(id int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if cmd := e.runs[id]; cmd != nil && cmd.Process != nil {
		cmd.Process.Kill()
	}
	delete(e.runs, id)
}

// Near misses.

// The work deletes its entry when it ends, through the cancelling
// function.
type jobs struct {
	mu      sync.Mutex
	cancels map[string]context.CancelFunc
}

func (j *jobs) Start(name string) {
	ctx, cancel := context.WithCancel(context.Background())
	j.mu.Lock()
	j.cancels[name] = cancel
	j.mu.Unlock()
	go func() {
		defer j.CancelJob(name)
		<-ctx.Done()
	}()
}

func (j *jobs) CancelJob(name string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if cancel := j.cancels[name]; cancel != nil {
		cancel()
	}
	delete(j.cancels, name)
}

// A function that is no cancellation deletes too: the entry may go when
// the work ends (Disarm).
type timers struct {
	mu    sync.Mutex
	armed map[string]*time.Timer
}

func (t *timers) Arm(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.armed[name] = time.AfterFunc(time.Minute, func() {})
	go t.watch(name)
}

func (t *timers) watch(name string) { time.Sleep(time.Second) }

func (t *timers) Disarm(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.armed, name)
}

func (t *timers) CancelTimer(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tm := t.armed[name]; tm != nil {
		tm.Stop()
	}
	delete(t.armed, name)
}

// The cancelling function is handed to the work as a callback.
type tasks struct {
	mu     sync.Mutex
	active map[int]chan struct{}
	onExit func(int)
}

func newTasks() *tasks {
	t := &tasks{active: make(map[int]chan struct{})}
	t.onExit = t.CancelTask
	return t
}

func (t *tasks) Spawn(id int) {
	stop := make(chan struct{})
	t.mu.Lock()
	t.active[id] = stop
	t.mu.Unlock()
	go t.runTask(id, stop)
}

func (t *tasks) runTask(id int, stop chan struct{}) {
	defer t.onExit(id)
	<-stop
}

func (t *tasks) CancelTask(id int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if stop := t.active[id]; stop != nil {
		close(stop)
	}
	delete(t.active, id)
}

// A sweep visits every entry: finished work may be dropped there.
type pollers struct {
	mu    sync.Mutex
	polls map[int]*exec.Cmd
}

func (p *pollers) Poll(id int, path string) {
	cmd := exec.Command(path)
	p.mu.Lock()
	p.polls[id] = cmd
	p.mu.Unlock()
	go cmd.Run()
}

func (p *pollers) KillPoll(id int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.polls, id)
}

func (p *pollers) Count() (running int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, cmd := range p.polls {
		if cmd.ProcessState == nil {
			running++
		}
	}
	return running
}

// The storing function starts no work: the entry is for something else.
type holds struct {
	mu   sync.Mutex
	held map[int]string
}

func (h *holds) Hold(id int, what string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.held[id] = what
}

func (h *holds) CancelHold(id int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.held, id)
}
