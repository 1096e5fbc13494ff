// Package relay reproduces, in its own words, the readers leak of
// gortsplib's example RTSP servers fixed in
// https://github.com/bluenviron/gortsplib/commit/73efb1437c0ca8b5fbdf135597d0e468f41a3946
// (issue https://github.com/bluenviron/gortsplib/issues/26; before/ is
// the code before the fix, after/ as fixed). One client publishes a
// stream, many read it: PLAY adds the connection to a package-level set
// of readers that the publisher's frames are copied to. When a connection
// ended only the publisher was forgotten, so every reader that ever
// played stayed in the set (and kept being written to). The upstream
// example speaks RTSP; this one reads lines ("ANNOUNCE", "PLAY",
// "FRAME data") from a net.Conn.
package relay

import (
	"bufio"
	"fmt"
	"log"
	"net"
	"strings"
	"sync"
)

var (
	mu        sync.Mutex
	publisher net.Conn
	readers   = make(map[net.Conn]struct{})
	sdp       string
)

func reply(c net.Conn, code int, text string) {
	fmt.Fprintf(c, "%d %s\n", code, text)
}

// HandleConn serves one client until it disconnects.
func HandleConn(conn net.Conn) {
	defer conn.Close()
	log.Printf("client connected")

	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		verb, rest, _ := strings.Cut(sc.Text(), " ")
		switch verb {
		case "DESCRIBE":
			mu.Lock()
			if publisher == nil {
				reply(conn, 404, "nobody is publishing")
			} else {
				reply(conn, 200, sdp)
			}
			mu.Unlock()
		case "ANNOUNCE":
			mu.Lock()
			if publisher != nil {
				mu.Unlock()
				reply(conn, 400, "someone is already publishing")
				return
			}
			publisher = conn
			sdp = rest
			mu.Unlock()
			reply(conn, 200, "OK")
		case "PLAY":
			mu.Lock()
			readers[conn] = struct{}{}
			mu.Unlock()
			reply(conn, 200, "OK")
		case "FRAME":
			mu.Lock()
			if conn == publisher {
				for r := range readers {
					fmt.Fprintf(r, "FRAME %s\n", rest)
				}
			}
			mu.Unlock()
		}
	}
	log.Printf("client disconnected (%v)", sc.Err())

	mu.Lock()
	defer mu.Unlock()
	if conn == publisher {
		publisher = nil
		sdp = ""
	} else {
		delete(readers, conn)
	}
}

// Serve accepts clients on addr.
func Serve(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Printf("server is ready")
	for {
		conn, err := l.Accept()
		if err != nil {
			return err
		}
		go HandleConn(conn)
	}
}
