// Package workloadmanager reproduces, in its own words, the pending-request
// leak of AgentCube's workload manager fixed in
// https://github.com/volcano-sh/agentcube/pull/90 (issue
// https://github.com/volcano-sh/agentcube/issues/86, commits
// f6aba22f885cd9f8652ae94096aabb4097a23ba2 and
// 985e0f7dfea387c155f166de6d643b3ba21dba3e; before/ is the code before the
// fix, after/ as merged). Before creating a sandbox, the create handler
// registers a channel under the sandbox's namespace and generated name so
// that the reconciler can tell it when the sandbox runs. Only the
// reconciler removed the entry, and only when the sandbox reached Running:
// a request that timed out, or failed to store or create the sandbox, left
// its entry behind. The fix has the handler defer UnWatchSandbox, which
// drops the entry however the request ends.
package workloadmanager

import (
	"context"
	"log"
	"sync"
)

// NamespacedName names a sandbox in the cluster.
type NamespacedName struct {
	Namespace string
	Name      string
}

// Sandbox is the cluster's view of one sandbox.
type Sandbox struct {
	Namespace string
	Name      string
	Phase     string
}

// Cluster is the part of the API server the workload manager uses.
type Cluster interface {
	Create(ctx context.Context, sb *Sandbox) error
	Get(ctx context.Context, key NamespacedName) (*Sandbox, error)
	// Events delivers the name of every sandbox that changed.
	Events() <-chan NamespacedName
}

// ErrNotFound is what Cluster.Get returns for a deleted sandbox.
type ErrNotFound struct{ Key NamespacedName }

func (e ErrNotFound) Error() string {
	return "sandbox " + e.Key.Namespace + "/" + e.Key.Name + " not found"
}

type SandboxStatusUpdate struct {
	Sandbox *Sandbox
}

// SandboxReconciler tells waiting create requests when their sandbox runs.
type SandboxReconciler struct {
	cluster Cluster

	mu              sync.Mutex
	pendingRequests map[NamespacedName]chan SandboxStatusUpdate
}

func NewSandboxReconciler(c Cluster) *SandboxReconciler {
	return &SandboxReconciler{cluster: c}
}

// Run reconciles every sandbox event until ctx ends.
func (r *SandboxReconciler) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case key := <-r.cluster.Events():
			r.Reconcile(ctx, key)
		}
	}
}

func (r *SandboxReconciler) Reconcile(ctx context.Context, key NamespacedName) {
	sb, err := r.cluster.Get(ctx, key)
	if err != nil {
		if _, gone := err.(ErrNotFound); !gone {
			log.Printf("get sandbox %s/%s: %v", key.Namespace, key.Name, err)
		}
		return
	}
	if sb.Phase != "Running" {
		return
	}
	r.mu.Lock()
	ch, ok := r.pendingRequests[key]
	if ok {
		delete(r.pendingRequests, key)
	}
	r.mu.Unlock()
	if ok {
		select {
		case ch <- SandboxStatusUpdate{Sandbox: sb}:
		default:
		}
	}
}

// WatchSandboxOnce registers for the notification that the sandbox runs.
func (r *SandboxReconciler) WatchSandboxOnce(_ context.Context, namespace, name string) <-chan SandboxStatusUpdate {
	ch := make(chan SandboxStatusUpdate, 1)
	key := NamespacedName{Namespace: namespace, Name: name}
	r.mu.Lock()
	if r.pendingRequests == nil {
		r.pendingRequests = make(map[NamespacedName]chan SandboxStatusUpdate)
	}
	r.pendingRequests[key] = ch
	r.mu.Unlock()
	return ch
}

// UnWatchSandbox drops the registration of a request that stopped waiting.
func (r *SandboxReconciler) UnWatchSandbox(namespace, name string) {
	key := NamespacedName{Namespace: namespace, Name: name}
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.pendingRequests, key)
}
