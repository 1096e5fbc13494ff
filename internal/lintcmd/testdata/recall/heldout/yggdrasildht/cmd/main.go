// Command yggdrasil runs the nodes of yggdrasildht.
package main

import (
	"time"

	afterygg "recall/heldout/yggdrasildht/after/yggdrasil"
	beforeygg "recall/heldout/yggdrasildht/before/yggdrasil"
)

func main() {
	if _, err := beforeygg.Start(":9001", beforeygg.BoxPubKey{1}); err != nil {
		return
	}
	if _, err := afterygg.Start(":9002", afterygg.BoxPubKey{2}); err != nil {
		return
	}
	for {
		time.Sleep(time.Hour)
	}
}
