// Command websocket runs the websocket service (the before form of
// twofashubs) on WS_ADDR.
package main

import (
	"os"

	"recall/heldout/twofashubs/before/internal/websocket"
)

func main() {
	websocket.NewServer(os.Getenv("WS_ADDR")).RunWebsocketServer()
}
