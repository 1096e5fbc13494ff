package tikv

import (
	"bufio"
	"encoding/json"
	"net"
	"sync"
)

type version struct {
	ts  uint64
	row map[int64]string
}

// Server serves coprocessor requests over a multi-version store of rows.
type Server struct {
	mu     sync.RWMutex
	tables map[int64]map[int64][]version // table ID -> row handle -> versions
}

// NewServer returns a server with an empty store.
func NewServer() *Server {
	return &Server{tables: map[int64]map[int64][]version{}}
}

// Put writes a row version at ts.
func (svr *Server) Put(tableID, handle int64, ts uint64, row map[int64]string) {
	svr.mu.Lock()
	defer svr.mu.Unlock()
	t := svr.tables[tableID]
	if t == nil {
		t = map[int64][]version{}
		svr.tables[tableID] = t
	}
	t[handle] = append(t[handle], version{ts, row})
}

// Delete removes a row and its versions (garbage collection of a dropped
// row).
func (svr *Server) Delete(tableID, handle int64) {
	svr.mu.Lock()
	defer svr.mu.Unlock()
	if t := svr.tables[tableID]; t != nil {
		delete(t, handle)
		if len(t) == 0 {
			delete(svr.tables, tableID)
		}
	}
}

// snapshot returns the rows of the table visible at ts.
func (svr *Server) snapshot(tableID int64, ts uint64) []map[int64]string {
	svr.mu.RLock()
	defer svr.mu.RUnlock()
	var rows []map[int64]string
	for _, versions := range svr.tables[tableID] {
		var last map[int64]string
		for _, v := range versions {
			if v.ts <= ts {
				last = v.row
			}
		}
		if last != nil {
			rows = append(rows, last)
		}
	}
	return rows
}

// Serve answers the coprocessor requests of each connection, one JSON
// request per line.
func (svr *Server) Serve(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go svr.serveConn(c)
	}
}

func (svr *Server) serveConn(c net.Conn) {
	defer c.Close()
	sc := bufio.NewScanner(c)
	enc := json.NewEncoder(c)
	for sc.Scan() {
		var req Request
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			enc.Encode(&Response{OtherError: err.Error()})
			continue
		}
		if err := enc.Encode(svr.HandleCopRequest(&req)); err != nil {
			return
		}
	}
}
