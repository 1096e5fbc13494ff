// Command concourse runs the web node's builds API (the after form of
// concoursenotifbus) on CONCOURSE_BIND.
package main

import (
	"log"
	"net/http"
	"os"

	"recall/heldout/concoursenotifbus/after/atc/api/buildserver"
	"recall/heldout/concoursenotifbus/after/atc/db"
)

func main() {
	listener, executor := db.NewLocalListener()
	bus := db.NewNotificationsBus(listener, executor)
	defer bus.Close()
	mux := http.NewServeMux()
	(&buildserver.Server{Factory: db.NewBuildFactory(bus, 1000)}).Register(mux)
	log.Fatal(http.ListenAndServe(os.Getenv("CONCOURSE_BIND"), mux))
}
