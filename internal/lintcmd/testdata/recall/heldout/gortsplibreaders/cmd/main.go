// Command relay runs the RTSP-like relays of gortsplibreaders.
package main

import (
	afterrelay "recall/heldout/gortsplibreaders/after/relay"
	beforerelay "recall/heldout/gortsplibreaders/before/relay"
)

func main() {
	go afterrelay.Serve(":8555")
	if err := beforerelay.Serve(":8554"); err != nil {
		panic(err)
	}
}
