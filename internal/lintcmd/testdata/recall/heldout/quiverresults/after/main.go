package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"

	"recall/heldout/quiverresults/after/hfile"
)

// Settings are the command's flags.
var Settings struct {
	port  int
	debug bool
}

func main() {
	flag.IntVar(&Settings.port, "port", 9999, "listen port")
	flag.BoolVar(&Settings.debug, "debug", false, "log every call")
	flag.Parse()
	cs, err := hfileCollections(flag.Args())
	if err != nil {
		log.Fatal(err)
	}
	http.Handle("/rpc/HFileService/", rpcHandler(&ThriftRpcImpl{cs}))
	log.Printf("serving on :%d", Settings.port)
	log.Fatal(http.ListenAndServe(fmt.Sprintf(":%d", Settings.port), nil))
}

// hfileCollections loads the files named on the command line
// ("name=path").
var hfileCollections = hfile.LoadCollections
