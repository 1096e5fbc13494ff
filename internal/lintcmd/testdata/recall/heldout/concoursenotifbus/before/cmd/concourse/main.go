// Command concourse runs the web node's builds API (the before form of
// concoursenotifbus) on CONCOURSE_BIND.
package main

import (
	"log"
	"net/http"
	"os"

	"recall/heldout/concoursenotifbus/before/atc/api/buildserver"
	"recall/heldout/concoursenotifbus/before/atc/db"
)

func main() {
	listener, executor := db.NewLocalListener()
	bus := db.NewNotificationsBus(listener, executor)
	defer bus.Close()
	mux := http.NewServeMux()
	(&buildserver.Server{Factory: db.NewBuildFactory(bus, 1000)}).Register(mux)
	log.Fatal(http.ListenAndServe(os.Getenv("CONCOURSE_BIND"), mux))
}
