// Package mid holds the sales-api's middleware of ardanfielderrs (see
// package validate).
package mid

import (
	"encoding/json"
	"errors"
	"log"
	"net/http"

	"recall/heldout/ardanfielderrs/after/foundation/validate"
)

// TrustedError is an error whose message the client may see.
type TrustedError struct {
	Err    error
	Status int
}

func (te *TrustedError) Error() string { return te.Err.Error() }

// ErrorResponse is the body of an error answer.
type ErrorResponse struct {
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
}

// Handler is a handler that may fail.
type Handler func(w http.ResponseWriter, r *http.Request) error

// Errors turns a handler's error into an answer.
func Errors(h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		err := h(w, r)
		if err == nil {
			return
		}
		log.Printf("%s %s: %v", r.Method, r.URL.Path, err)
		var resp ErrorResponse
		status := http.StatusInternalServerError
		var te *TrustedError
		switch {
		case errors.As(err, &te):
			resp.Error = te.Err.Error()
			status = te.Status
			if validate.IsFieldErrors(te.Err) {
				resp.Error = "data validation error"
				resp.Fields = validate.GetFieldErrors(te.Err).Fields()
			}
		default:
			resp.Error = http.StatusText(status)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(resp)
	}
}
