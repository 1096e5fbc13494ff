// Command controller serves the promotions of kargohelmhints: a POST to
// /promote carries the updates and the freight, and the working directory
// is the checkout the controller keeps.
package main

import (
	"encoding/json"
	"net/http"
	"os"

	afterapi "recall/heldout/kargohelmhints/after/api"
	afterpromotion "recall/heldout/kargohelmhints/after/promotion"
	beforeapi "recall/heldout/kargohelmhints/before/api"
	beforepromotion "recall/heldout/kargohelmhints/before/promotion"
)

type beforeRequest struct {
	Updates []beforeapi.GitRepoUpdate `json:"updates"`
	Freight beforeapi.Freight         `json:"freight"`
}

type afterRequest struct {
	Updates []afterapi.GitRepoUpdate `json:"updates"`
	Freight afterapi.Freight         `json:"freight"`
}

func main() {
	workDir := os.Getenv("KARGO_WORKDIR")
	mux := http.NewServeMux()
	mux.HandleFunc("/before/promote", func(w http.ResponseWriter, r *http.Request) {
		var req beforeRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		summary, err := beforepromotion.Promote(req.Updates, req.Freight, workDir)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(summary)
	})
	mux.HandleFunc("/after/promote", func(w http.ResponseWriter, r *http.Request) {
		var req afterRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		summary, err := afterpromotion.Promote(req.Updates, req.Freight, workDir)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		json.NewEncoder(w).Encode(summary)
	})
	if err := http.ListenAndServe(":8093", mux); err != nil {
		panic(err)
	}
}
