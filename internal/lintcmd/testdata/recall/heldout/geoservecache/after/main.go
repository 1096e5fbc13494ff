// Command go-geoserve (the after form of geoservecache) answers
// /lookup/<ip> and /lookup on PORT from the database of networks in DB.
package main

import (
	"log"
	"net/http"
	"os"

	"recall/heldout/geoservecache/after/geoserve"
)

func main() {
	log.Println("creating the GeoServer")
	geoServer, err := geoserve.NewServer(os.Getenv("DB"))
	if err != nil {
		log.Fatalf("unable to create the GeoServer: %v", err)
	}
	http.HandleFunc("/lookup/", func(resp http.ResponseWriter, req *http.Request) {
		geoServer.Handle(resp, req, "/lookup/")
	})
	http.HandleFunc("/lookup", func(resp http.ResponseWriter, req *http.Request) {
		geoServer.Handle(resp, req, "/lookup")
	})
	port := os.Getenv("PORT")
	log.Printf("about to listen at port %s", port)
	log.Fatal(http.ListenAndServe(":"+port, nil))
}
