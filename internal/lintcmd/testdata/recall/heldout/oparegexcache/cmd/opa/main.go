// Command opa runs the policy server of oparegexcache on OPA_ADDR: the
// before/ form under /v1/, the after/ form under /fixed/v1/.
package main

import (
	"log"
	"net/http"
	"os"

	afterserver "recall/heldout/oparegexcache/after/server"
	beforeserver "recall/heldout/oparegexcache/before/server"
)

func main() {
	mux := http.NewServeMux()
	mux.Handle("/v1/", beforeserver.Handler())
	mux.Handle("/fixed/", http.StripPrefix("/fixed", afterserver.Handler()))
	log.Fatal(http.ListenAndServe(os.Getenv("OPA_ADDR"), mux))
}
