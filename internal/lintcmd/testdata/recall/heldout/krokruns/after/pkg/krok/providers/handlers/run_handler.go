package handlers

import (
	"net/http"
	"strconv"

	"recall/heldout/krokruns/after/pkg/krok/providers"
)

// RunHandler cancels the run of an event.
type RunHandler struct {
	Executer providers.Executor
}

// ServeHTTP handles POST /events/{id}/cancel.
func (h *RunHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		http.Error(w, "invalid event id", http.StatusBadRequest)
		return
	}
	if err := h.Executer.CancelRun(r.Context(), id); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
