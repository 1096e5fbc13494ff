// Package server is the policy server of oparegexcache (see package
// topdown): POST /v1/data/authz evaluates a small policy, which allows
// a request when its path matches one of the route templates the input
// carries, and a user name matching the input's pattern.
package server

import (
	"encoding/json"
	"net/http"

	"recall/heldout/oparegexcache/after/topdown"
)

type input struct {
	Path      string   `json:"path"`
	Routes    []string `json:"routes"`
	User      string   `json:"user"`
	UserRegex string   `json:"user_regex"`
}

// Handler serves the policy API.
func Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/data/authz", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Input input `json:"input"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		allow, err := evalAuthz(body.Input)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"result": map[string]bool{"allow": allow}})
	})
	return mux
}

func evalAuthz(in input) (bool, error) {
	if in.UserRegex != "" {
		ok, err := topdown.RegexMatch(in.UserRegex, in.User)
		if err != nil || !ok {
			return false, err
		}
	}
	for _, route := range in.Routes {
		ok, err := topdown.RegexTemplateMatch(route, in.Path, "{", "}")
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}
