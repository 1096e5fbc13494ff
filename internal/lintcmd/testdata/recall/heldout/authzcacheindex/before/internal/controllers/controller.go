// Package controllers serves the service's HTTP API.
package controllers

import (
	"encoding/json"
	"net/http"
	"strings"

	"recall/heldout/authzcacheindex/before/internal/services"
	"recall/heldout/authzcacheindex/before/pkg/descope"
)

// Controller maps the API onto the service.
type Controller struct {
	Service services.AuthzCache
}

// Register adds the routes to mux.
func (c *Controller) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /v1/mgmt/fga/schema", c.saveSchema)
	mux.HandleFunc("POST /v1/mgmt/fga/relations", c.createRelations)
	mux.HandleFunc("POST /v1/mgmt/fga/relations/delete", c.deleteRelations)
	mux.HandleFunc("POST /v1/mgmt/fga/check", c.check)
}

// projectID reads the project from "Authorization: Bearer <project>:<key>".
func projectID(r *http.Request) (string, bool) {
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", false
	}
	id, _, _ := strings.Cut(auth, ":")
	return id, id != ""
}

type relationsRequest struct {
	Tuples []*descope.FGARelation `json:"tuples"`
}

func decode(w http.ResponseWriter, r *http.Request, v any) (string, bool) {
	id, ok := projectID(r)
	if !ok {
		http.Error(w, "missing project", http.StatusUnauthorized)
		return "", false
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(v); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return "", false
	}
	return id, true
}

func (c *Controller) saveSchema(w http.ResponseWriter, r *http.Request) {
	var req descope.FGASchema
	id, ok := decode(w, r, &req)
	if !ok {
		return
	}
	if err := c.Service.CreateFGASchema(r.Context(), id, req.Schema); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (c *Controller) createRelations(w http.ResponseWriter, r *http.Request) {
	var req relationsRequest
	id, ok := decode(w, r, &req)
	if !ok {
		return
	}
	if err := c.Service.CreateFGARelations(r.Context(), id, req.Tuples); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (c *Controller) deleteRelations(w http.ResponseWriter, r *http.Request) {
	var req relationsRequest
	id, ok := decode(w, r, &req)
	if !ok {
		return
	}
	if err := c.Service.DeleteFGARelations(r.Context(), id, req.Tuples); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (c *Controller) check(w http.ResponseWriter, r *http.Request) {
	var req relationsRequest
	id, ok := decode(w, r, &req)
	if !ok {
		return
	}
	checks, err := c.Service.Check(r.Context(), id, req.Tuples)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"tuples": checks})
}
