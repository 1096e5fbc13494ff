// Command prometheus runs the scrape loops of promscrapecache.
package main

import (
	"context"
	"net"
	"time"

	after "recall/promscrapecache/after"
	before "recall/promscrapecache/before"
)

func main() {
	l, _ := net.Listen("tcp", ":0")
	l.Close()
	ctx := context.Background()
	_ = after.NewScrapeLoop(ctx, nil)
	_ = before.NewScrapeLoop(ctx, nil)
	_ = time.Second
}
