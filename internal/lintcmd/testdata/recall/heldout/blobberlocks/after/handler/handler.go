// Package handler serves the blobber's file operations with the row
// mutexes of package lock (see there for the upstream link).
package handler

import (
	"encoding/json"
	"net/http"

	"recall/heldout/blobberlocks/after/lock"
)

// Change is one pending change of an upload connection.
type Change struct {
	Operation string `json:"operation"`
	Path      string `json:"path"`
	NewName   string `json:"new_name,omitempty"`
}

// DB holds the pending changes of each upload connection (the table
// allocation_changes upstream).
type DB interface {
	AddChange(connID string, c Change) error
	Commit(connID string) ([]Change, error)
}

type Handler struct{ db DB }

func New(db DB) *Handler { return &Handler{db: db} }

// Rename records a rename on the upload connection of the request.
func (h *Handler) Rename(w http.ResponseWriter, r *http.Request) {
	connID := r.FormValue("connection_id")
	if connID == "" {
		http.Error(w, "invalid connection id", http.StatusBadRequest)
		return
	}
	newName := r.FormValue("new_name")
	if newName == "" {
		http.Error(w, "invalid name", http.StatusBadRequest)
		return
	}
	mu := lock.GetMutex("allocation_changes", connID)
	mu.Lock()
	defer mu.Unlock()
	if err := h.db.AddChange(connID, Change{Operation: "rename", Path: r.FormValue("path"), NewName: newName}); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Commit applies the changes of the upload connection of the request.
func (h *Handler) Commit(w http.ResponseWriter, r *http.Request) {
	connID := r.FormValue("connection_id")
	if connID == "" {
		http.Error(w, "invalid connection id", http.StatusBadRequest)
		return
	}
	mu := lock.GetMutex("allocation_changes", connID)
	mu.Lock()
	defer mu.Unlock()
	changes, err := h.db.Commit(connID)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(changes)
}
