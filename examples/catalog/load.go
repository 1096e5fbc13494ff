package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// generateLoad sends rate requests a second to base until ctx ends, each
// from a new client address (as a load balancer forwards them), half for
// product pages (a few hot ones, then the long tail) and half searches.
func generateLoad(ctx context.Context, base string, rate int) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 8}}
	const workers = 4
	per := time.Duration(float64(time.Second) * workers / float64(rate))
	for w := 0; w < workers; w++ {
		go func(w int) {
			tick := time.NewTicker(per)
			defer tick.Stop()
			for n := w; ; n += workers {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				url := fmt.Sprintf("%s/product?id=%d", base, (n*7919)%60000)
				if n%2 == 1 {
					url = fmt.Sprintf("%s/search?q=%c", base, "aghiuswz"[n%8])
				}
				req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
				if err != nil {
					return
				}
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d:%d", n>>16&255, n>>8&255, n&255, 1024+n%50000))
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}(w)
	}
	<-ctx.Done()
}
