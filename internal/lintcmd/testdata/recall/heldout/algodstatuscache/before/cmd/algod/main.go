// Command algod runs a node (the before form of algodstatuscache) and
// serves its REST API on ALGOD_ADDR.
package main

import (
	"log"
	"net/http"
	"os"
	"time"

	"recall/heldout/algodstatuscache/before/daemon/algod/api/server"
	"recall/heldout/algodstatuscache/before/node"
)

func main() {
	n := node.MakeFull(node.Config{TxPoolSize: 75000, RoundTime: 3300 * time.Millisecond, MaxTxnPerBlk: 5000, CatchupRounds: 10})
	n.Start()
	mux := http.NewServeMux()
	(&server.Handlers{Node: n}).Register(mux)
	log.Fatal(http.ListenAndServe(os.Getenv("ALGOD_ADDR"), mux))
}
