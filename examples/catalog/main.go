// Command catalog is the service "mapscope demo" watches: a small product
// catalog with one map that leaks and the honest decoys a real service has
// beside it.
//
//   - the leak: the per-client rate limiter remembers every client it has
//     ever seen (limiter.clients in limit.go): nothing forgets a client,
//     so the map grows with every new address for as long as the process
//     lives;
//   - a bounded cache with churn: rendered product pages, at most
//     pageCacheSize of them, the oldest evicted first (cache.go);
//   - a big static table: the catalog itself, built once at startup
//     (catalog.go);
//   - per-request temporary maps: the facet counts of a search, made
//     without a size hint and dropped after the request (search.go);
//   - a leak that is not a map: the audit log keeps a record of every
//     request in a growing slice (audit.go).
//
// It serves /product, /search and /debug/pprof/ on 127.0.0.1, and with
// -load it sends itself traffic from a stream of new client addresses, so
// that it needs nothing else to show its problems:
//
//	go run ./examples/catalog -load 2000
//	go run ./cmd/mapscope watch -duration 30s http://127.0.0.1:PORT
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	_ "net/http/pprof"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "`address` to listen on")
	load := flag.Int("load", 0, "send itself `n` requests a second (0: none)")
	products := flag.Int("products", 200000, "`number` of products in the catalog")
	flag.Parse()

	srv := newServer(*products)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The first line of output is the address, for "mapscope demo" and
	// scripts that start the service on a free port.
	fmt.Printf("listening on http://%s\n", ln.Addr())
	os.Stdout.Sync()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *load > 0 {
		go generateLoad(ctx, "http://"+ln.Addr().String(), *load)
	}
	hs := &http.Server{Handler: srv}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
