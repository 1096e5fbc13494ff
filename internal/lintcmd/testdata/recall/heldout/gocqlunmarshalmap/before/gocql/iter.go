package gocql

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
)

// Iter reads the rows of a query's result from a connection: each row is
// a 4-byte count of columns, then each column as a 4-byte length (-1 for
// null) and its bytes.
type Iter struct {
	columns []TypeInfo
	br      *bufio.Reader
	err     error
}

// Query sends stmt on conn and returns an iterator over its rows, whose
// columns have the given types.
func Query(conn net.Conn, stmt string, columns ...TypeInfo) (*Iter, error) {
	if _, err := io.WriteString(conn, stmt+"\n"); err != nil {
		return nil, err
	}
	return &Iter{columns: columns, br: bufio.NewReader(conn)}, nil
}

// Scan decodes the next row into dest, one pointer per column; it returns
// false at the end or on an error, which Err reports.
func (it *Iter) Scan(dest ...any) bool {
	if it.err != nil {
		return false
	}
	if len(dest) != len(it.columns) {
		it.err = errors.New("gocql: wrong number of scan destinations")
		return false
	}
	var hdr [4]byte
	if _, err := io.ReadFull(it.br, hdr[:]); err != nil {
		if err != io.EOF {
			it.err = err
		}
		return false
	}
	if int(binary.BigEndian.Uint32(hdr[:])) != len(it.columns) {
		it.err = errors.New("gocql: row has the wrong number of columns")
		return false
	}
	for i, info := range it.columns {
		if _, err := io.ReadFull(it.br, hdr[:]); err != nil {
			it.err = err
			return false
		}
		var data []byte
		if n := int32(binary.BigEndian.Uint32(hdr[:])); n >= 0 {
			data = make([]byte, n)
			if _, err := io.ReadFull(it.br, data); err != nil {
				it.err = err
				return false
			}
		}
		if err := Unmarshal(info, data, dest[i]); err != nil {
			it.err = err
			return false
		}
	}
	return true
}

// Err returns the error that ended the iteration, if any.
func (it *Iter) Err() error { return it.err }
