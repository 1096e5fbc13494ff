// Package pgconn is the wire level of pgxprepared (see package pgx): one
// connection to the server, speaking a line protocol in place of
// PostgreSQL's.
package pgconn

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
)

// StatementDescription is a statement prepared on the server under Name.
type StatementDescription struct {
	Name   string
	SQL    string
	Fields []string
}

// PgConn is one connection to the server.
type PgConn struct {
	conn net.Conn
	r    *bufio.Reader
}

// Connect dials the server at addr.
func Connect(ctx context.Context, addr string) (*PgConn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return &PgConn{conn: c, r: bufio.NewReader(c)}, nil
}

func (pc *PgConn) roundTrip(ctx context.Context, line string) (string, error) {
	if dl, ok := ctx.Deadline(); ok {
		pc.conn.SetDeadline(dl)
	}
	if _, err := fmt.Fprintln(pc.conn, line); err != nil {
		return "", err
	}
	reply, err := pc.r.ReadString('\n')
	if err != nil {
		return "", err
	}
	reply = strings.TrimSpace(reply)
	if msg, ok := strings.CutPrefix(reply, "ERR "); ok {
		return "", errors.New(msg)
	}
	return reply, nil
}

// Prepare prepares sql on the server under name ("" for the unnamed
// statement) and returns its description.
func (pc *PgConn) Prepare(ctx context.Context, name, sql string) (*StatementDescription, error) {
	reply, err := pc.roundTrip(ctx, "PARSE "+name+" "+sql)
	if err != nil {
		return nil, err
	}
	return &StatementDescription{Name: name, SQL: sql, Fields: strings.Fields(reply)}, nil
}

// Exec runs sql with the simple protocol.
func (pc *PgConn) Exec(ctx context.Context, sql string) (string, error) {
	return pc.roundTrip(ctx, "QUERY "+sql)
}

// ExecPrepared runs the prepared statement sd with args.
func (pc *PgConn) ExecPrepared(ctx context.Context, sd *StatementDescription, args []string) (string, error) {
	return pc.roundTrip(ctx, "EXECUTE "+sd.Name+" "+strings.Join(args, " "))
}

// Close closes the connection.
func (pc *PgConn) Close() error { return pc.conn.Close() }
