// Command otelcol serves the webhook receivers of grafanarepomap.
package main

import (
	"net/http"

	after "recall/heldout/grafanarepomap/after"
	before "recall/heldout/grafanarepomap/before"
)

func main() {
	emit := func(string, int64, ...string) {}
	http.Handle("/after", after.NewReceiver(emit))
	http.Handle("/before", before.NewReceiver(emit))
	http.ListenAndServe(":0", nil)
}
