// Package usergrp holds the sales-api's user handlers of ardanfielderrs
// (see package validate).
package usergrp

import (
	"encoding/json"
	"net/http"
	"sync"

	"recall/heldout/ardanfielderrs/after/business/web/mid"
	"recall/heldout/ardanfielderrs/after/foundation/validate"
)

// AppNewUser is the body of a create request.
type AppNewUser struct {
	Name     string `json:"name" validate:"required"`
	Email    string `json:"email" validate:"required,email"`
	Password string `json:"password" validate:"required"`
}

// Handlers serves the user routes.
type Handlers struct {
	mu    sync.Mutex
	users []AppNewUser
}

// Create stores a new user.
func (h *Handlers) Create(w http.ResponseWriter, r *http.Request) error {
	var app AppNewUser
	if err := json.NewDecoder(r.Body).Decode(&app); err != nil {
		return &mid.TrustedError{Err: err, Status: http.StatusBadRequest}
	}
	if err := validate.Check(&app); err != nil {
		return &mid.TrustedError{Err: err, Status: http.StatusBadRequest}
	}
	h.mu.Lock()
	h.users = append(h.users, app)
	n := len(h.users)
	h.mu.Unlock()
	w.WriteHeader(http.StatusCreated)
	return json.NewEncoder(w).Encode(map[string]int{"id": n})
}
