// Command node runs the unistore servers of unistorecolids: the before/
// form on UNISTORE_ADDR and the after/ form on UNISTORE_AFTER_ADDR.
package main

import (
	"log"
	"net"
	"os"

	aftertikv "recall/heldout/unistorecolids/after/tikv"
	beforetikv "recall/heldout/unistorecolids/before/tikv"
)

func listen(env string) net.Listener {
	ln, err := net.Listen("tcp", os.Getenv(env))
	if err != nil {
		log.Fatal(err)
	}
	return ln
}

func main() {
	after := aftertikv.NewServer()
	go func() { log.Fatal(after.Serve(listen("UNISTORE_AFTER_ADDR"))) }()
	before := beforetikv.NewServer()
	log.Fatal(before.Serve(listen("UNISTORE_ADDR")))
}
