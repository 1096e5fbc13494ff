// Package websocket is the websocket service: the routes of the browser
// extensions over one connection handler.
package websocket

import (
	"net/http"

	"recall/heldout/twofashubs/before/internal/websocket/browser_extension"
	"recall/heldout/twofashubs/before/internal/websocket/common"
)

// Server serves the websocket routes on addr.
type Server struct {
	mux               *http.ServeMux
	addr              string
	connectionHandler *common.ConnectionHandler
}

// NewServer returns a server for addr.
func NewServer(addr string) *Server {
	mux := http.NewServeMux()
	connectionHandler := common.NewConnectionHandler()
	browser_extension.Register(browser_extension.NewRoutesHandler(connectionHandler), mux)
	return &Server{mux: mux, addr: addr, connectionHandler: connectionHandler}
}

// RunWebsocketServer listens and serves until it fails.
func (s *Server) RunWebsocketServer() {
	if err := http.ListenAndServe(s.addr, s.mux); err != nil {
		panic(err)
	}
}
