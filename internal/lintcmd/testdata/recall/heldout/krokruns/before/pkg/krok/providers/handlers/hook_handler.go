// Package handlers serves krok's HTTP API: the hook endpoint the code
// hosting platforms call, and the run endpoints.
package handlers

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"strconv"
	"time"

	"recall/heldout/krokruns/before/pkg/krok/providers"
	"recall/heldout/krokruns/before/pkg/models"
)

// HookDependencies are what the hook handler needs.
type HookDependencies struct {
	Logger          *log.Logger
	RepositoryStore providers.RepositoryStorer
	EventsStorer    providers.EventsStorer
	Executer        providers.Executor
}

// HookHandler turns each hook delivery into an event and starts its run.
type HookHandler struct {
	HookDependencies
}

// NewHookHandler returns a HookHandler.
func NewHookHandler(deps HookDependencies) *HookHandler {
	return &HookHandler{HookDependencies: deps}
}

// ServeHTTP handles POST /hooks/{rid}.
func (h *HookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rid, err := strconv.Atoi(r.PathValue("rid"))
	if err != nil {
		http.Error(w, "invalid repository id", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	repo, err := h.RepositoryStore.Get(ctx, rid)
	if err != nil {
		http.Error(w, "repository not found", http.StatusNotFound)
		return
	}
	payload, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "failed to read payload", http.StatusBadRequest)
		return
	}
	event, err := h.EventsStorer.Create(ctx, &models.Event{
		RepositoryID: repo.ID,
		EventID:      r.Header.Get("X-GitHub-Delivery"),
		Payload:      string(payload),
		CreateAt:     time.Now(),
	})
	if err != nil {
		http.Error(w, "failed to store event", http.StatusInternalServerError)
		return
	}
	if err := h.Executer.CreateRun(ctx, event, repo.Commands); err != nil {
		http.Error(w, "failed to start run for event", http.StatusBadRequest)
		return
	}
	json.NewEncoder(w).Encode(map[string]int{"event": event.ID})
}
