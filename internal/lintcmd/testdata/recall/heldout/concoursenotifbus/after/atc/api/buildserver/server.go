// Package buildserver serves the builds API: creating builds, streaming
// their events, aborting them.
package buildserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"recall/heldout/concoursenotifbus/after/atc/db"
)

// Server serves the builds of one factory.
type Server struct {
	Factory *db.BuildFactory
}

// Register adds the routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/builds", s.CreateBuild)
	mux.HandleFunc("GET /api/v1/builds/{id}/events", s.BuildEvents)
	mux.HandleFunc("PUT /api/v1/builds/{id}/abort", s.AbortBuild)
}

// CreateBuild starts a build that runs the request's script: one event
// per line, a second apart, until it ends or is aborted.
func (s *Server) CreateBuild(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Steps []string `json:"steps"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	build := s.Factory.CreateBuild()
	go run(build, req.Steps)
	w.WriteHeader(http.StatusCreated)
	json.NewEncoder(w).Encode(map[string]int{"id": build.ID()})
}

func run(build *db.Build, steps []string) {
	defer build.Finish()
	abort, err := build.AbortNotifier()
	if err != nil {
		build.SaveEvent("error: " + err.Error())
		return
	}
	defer abort.Close()
	for _, step := range steps {
		select {
		case <-abort.Notify():
			build.SaveEvent("aborted")
			return
		case <-time.After(time.Second):
		}
		build.SaveEvent(step)
	}
}

// BuildEvents streams a build's events as server-sent events.
func (s *Server) BuildEvents(w http.ResponseWriter, r *http.Request) {
	build, ok := s.build(w, r)
	if !ok {
		return
	}
	from, _ := strconv.Atoi(r.Header.Get("Last-Event-ID"))
	events, err := build.Events(from)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer events.Close()
	flusher, _ := w.(http.Flusher)
	w.Header().Set("Content-Type", "text/event-stream")
	for {
		ev, ok := events.Next(r.Context().Done())
		if !ok {
			fmt.Fprint(w, "event: end\ndata:\n\n")
			return
		}
		fmt.Fprintf(w, "id: %d\nevent: event\ndata: %s\n\n", ev.ID, ev.Data)
		if flusher != nil {
			flusher.Flush()
		}
	}
}

// AbortBuild aborts a build.
func (s *Server) AbortBuild(w http.ResponseWriter, r *http.Request) {
	build, ok := s.build(w, r)
	if !ok {
		return
	}
	if err := build.MarkAsAborted(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) build(w http.ResponseWriter, r *http.Request) (*db.Build, bool) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil {
		http.Error(w, "bad build ID", http.StatusBadRequest)
		return nil, false
	}
	build, err := s.Factory.Build(id)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return nil, false
	}
	return build, true
}
