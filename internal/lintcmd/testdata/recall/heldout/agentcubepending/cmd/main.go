// Command workload-manager serves the sandbox API of agentcubepending.
package main

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"time"

	after "recall/heldout/agentcubepending/after/workloadmanager"
	before "recall/heldout/agentcubepending/before/workloadmanager"
)

type memStore struct{}

func (memStore) StoreSandbox(*http.Request, *before.Sandbox) error { return nil }

type memStoreAfter struct{}

func (memStoreAfter) StoreSandbox(*http.Request, *after.Sandbox) error { return nil }

// beforeCluster and afterCluster stand in for the API server: a sandbox
// runs a second after it is created.
type beforeCluster struct {
	mu     sync.Mutex
	phases map[before.NamespacedName]string
	events chan before.NamespacedName
}

func (c *beforeCluster) Create(_ context.Context, sb *before.Sandbox) error {
	key := before.NamespacedName{Namespace: sb.Namespace, Name: sb.Name}
	c.mu.Lock()
	c.phases[key] = "Pending"
	c.mu.Unlock()
	time.AfterFunc(time.Second, func() {
		c.mu.Lock()
		c.phases[key] = "Running"
		c.mu.Unlock()
		c.events <- key
	})
	return nil
}

func (c *beforeCluster) Get(_ context.Context, key before.NamespacedName) (*before.Sandbox, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.phases[key]
	if !ok {
		return nil, before.ErrNotFound{Key: key}
	}
	return &before.Sandbox{Namespace: key.Namespace, Name: key.Name, Phase: p}, nil
}

func (c *beforeCluster) Events() <-chan before.NamespacedName { return c.events }

type afterCluster struct {
	mu     sync.Mutex
	phases map[after.NamespacedName]string
	events chan after.NamespacedName
}

func (c *afterCluster) Create(_ context.Context, sb *after.Sandbox) error {
	key := after.NamespacedName{Namespace: sb.Namespace, Name: sb.Name}
	c.mu.Lock()
	c.phases[key] = "Pending"
	c.mu.Unlock()
	time.AfterFunc(time.Second, func() {
		c.mu.Lock()
		c.phases[key] = "Running"
		c.mu.Unlock()
		c.events <- key
	})
	return nil
}

func (c *afterCluster) Get(_ context.Context, key after.NamespacedName) (*after.Sandbox, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.phases[key]
	if !ok {
		return nil, after.ErrNotFound{Key: key}
	}
	return &after.Sandbox{Namespace: key.Namespace, Name: key.Name, Phase: p}, nil
}

func (c *afterCluster) Events() <-chan after.NamespacedName { return c.events }

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	bc := &beforeCluster{phases: make(map[before.NamespacedName]string), events: make(chan before.NamespacedName, 64)}
	brc := before.NewSandboxReconciler(bc)
	go brc.Run(ctx)
	b := before.NewServer(":8091", bc, memStore{}, brc)

	ac := &afterCluster{phases: make(map[after.NamespacedName]string), events: make(chan after.NamespacedName, 64)}
	arc := after.NewSandboxReconciler(ac)
	go arc.Run(ctx)
	a := after.NewServer(":8092", ac, memStoreAfter{}, arc)

	if err := b.Start(); err != nil {
		panic(err)
	}
	if err := a.Start(); err != nil {
		panic(err)
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	b.Close()
	a.Close()
}
