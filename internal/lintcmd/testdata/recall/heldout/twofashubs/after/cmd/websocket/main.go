// Command websocket runs the websocket service (the after form of
// twofashubs) on WS_ADDR.
package main

import (
	"os"

	"recall/heldout/twofashubs/after/internal/websocket"
)

func main() {
	websocket.NewServer(os.Getenv("WS_ADDR")).RunWebsocketServer()
}
