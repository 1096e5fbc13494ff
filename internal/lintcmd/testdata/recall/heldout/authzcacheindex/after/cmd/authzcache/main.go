// Command authzcache serves the authorization cache (the after form of
// authzcacheindex) on AUTHZCACHE_ADDR.
package main

import (
	"context"
	"log"
	"net/http"
	"os"

	"recall/heldout/authzcacheindex/after/internal/controllers"
	"recall/heldout/authzcacheindex/after/internal/services"
)

func main() {
	mux := http.NewServeMux()
	(&controllers.Controller{Service: services.New(context.Background())}).Register(mux)
	log.Fatal(http.ListenAndServe(os.Getenv("AUTHZCACHE_ADDR"), mux))
}
