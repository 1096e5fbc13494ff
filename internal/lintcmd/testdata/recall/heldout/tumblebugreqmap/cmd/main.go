// Command tumblebug serves the REST API of tumblebugreqmap, the before/
// form on TB_ADDR and the after/ form on TB_AFTER_ADDR.
package main

import (
	"log"
	"os"

	afterserver "recall/heldout/tumblebugreqmap/after/interface/rest/server"
	beforeserver "recall/heldout/tumblebugreqmap/before/interface/rest/server"
)

func main() {
	go func() { log.Fatal(afterserver.RunServer(os.Getenv("TB_AFTER_ADDR"))) }()
	log.Fatal(beforeserver.RunServer(os.Getenv("TB_ADDR")))
}
