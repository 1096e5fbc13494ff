package workloadmanager

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Store keeps a placeholder per sandbox so that garbage collection can find
// sandboxes whose creation never completed.
type Store interface {
	StoreSandbox(r *http.Request, sb *Sandbox) error
}

// Server is the workload manager's HTTP API.
type Server struct {
	addr       string
	cluster    Cluster
	store      Store
	controller *SandboxReconciler
	ln         net.Listener
}

func NewServer(addr string, c Cluster, st Store, rc *SandboxReconciler) *Server {
	return &Server{addr: addr, cluster: c, store: st, controller: rc}
}

type createRequest struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
}

const letters = "abcdefghijklmnopqrstuvwxyz0123456789"

func randString(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = letters[int(b[i])%len(letters)]
	}
	return string(b)
}

func respondError(w http.ResponseWriter, code int, reason, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"reason": reason, "message": msg})
}

func (s *Server) handleCreateSandbox(w http.ResponseWriter, r *http.Request) {
	var req createRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		respondError(w, http.StatusBadRequest, "INVALID_REQUEST", "invalid request body")
		return
	}
	if req.Namespace == "" || req.Name == "" {
		respondError(w, http.StatusBadRequest, "INVALID_REQUEST", "namespace and name are required")
		return
	}
	sb := &Sandbox{Namespace: req.Namespace, Name: fmt.Sprintf("%s-%s", req.Name, randString(8))}

	// Register before creating so that the Running event cannot be missed.
	resultCh := s.controller.WatchSandboxOnce(r.Context(), sb.Namespace, sb.Name)
	defer s.controller.UnWatchSandbox(sb.Namespace, sb.Name)

	if err := s.store.StoreSandbox(r, sb); err != nil {
		respondError(w, http.StatusInternalServerError, "STORE_SANDBOX_FAILED", err.Error())
		return
	}
	if err := s.cluster.Create(r.Context(), sb); err != nil {
		respondError(w, http.StatusForbidden, "SANDBOX_CREATE_FAILED", err.Error())
		return
	}

	var created *Sandbox
	select {
	case res := <-resultCh:
		created = res.Sandbox
	case <-time.After(3 * time.Minute):
		// The sandbox may still come up later; garbage collection deletes it.
		respondError(w, http.StatusInternalServerError, "SANDBOX_TIMEOUT", "sandbox creation timed out")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(created)
}

// Start listens on the server's address and serves the API.
func (s *Server) Start() error {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/agent-runtime", s.handleCreateSandbox)
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		return err
	}
	s.ln = ln
	go func() {
		if err := http.Serve(ln, mux); err != nil && !errors.Is(err, net.ErrClosed) {
			panic(err)
		}
	}()
	return nil
}

func (s *Server) Close() error { return s.ln.Close() }
