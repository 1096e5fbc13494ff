// Command federationout serves federation fetch requests from partner
// servers (gRPC upstream, JSON over HTTP here).
package main

import (
	"encoding/json"
	"flag"
	"log"
	"net/http"
	"strings"
	"time"

	"recall/heldout/enfederationregions/after/internal/federationout"
	"recall/heldout/enfederationregions/after/internal/pb"
	publishdb "recall/heldout/enfederationregions/after/internal/publish/database"
)

var (
	port     = flag.String("port", "8080", "port to serve on")
	anyPeer  = flag.Bool("allow-any-client", false, "serve partners without a token")
	partners = map[string]*federationout.Authorization{
		"partner-token": {Issuer: "partner", IncludeRegions: []string{"US", "CA"}},
	}
)

func main() {
	flag.Parse()
	server := federationout.NewServer(publishdb.New(), &federationout.Config{
		Timeout:        5 * time.Second,
		TruncateWindow: time.Hour,
	})

	http.HandleFunc("/federation/fetch", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if !*anyPeer {
			token := strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer"))
			auth, ok := partners[token]
			if !ok {
				http.Error(w, "invalid token", http.StatusUnauthorized)
				return
			}
			ctx = federationout.WithAuthorization(ctx, auth)
		}
		var req pb.FederationFetchRequest
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		resp, err := server.Fetch(ctx, &req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(resp)
	})
	log.Fatal(http.ListenAndServe(":"+*port, nil))
}
