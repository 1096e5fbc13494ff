// Command mcp-broker-router serves the proxy's external-processing streams
// for mcpgatewayelicit: one JSON stream per TCP connection.
package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"os/signal"

	afteridmap "recall/heldout/mcpgatewayelicit/after/idmap"
	afterrouter "recall/heldout/mcpgatewayelicit/after/mcprouter"
	beforeidmap "recall/heldout/mcpgatewayelicit/before/idmap"
	beforerouter "recall/heldout/mcpgatewayelicit/before/mcprouter"
)

type beforeStream struct {
	ctx context.Context
	dec *json.Decoder
	enc *json.Encoder
}

func (s *beforeStream) Context() context.Context { return s.ctx }
func (s *beforeStream) Recv() (*beforerouter.ProcessingRequest, error) {
	var r beforerouter.ProcessingRequest
	return &r, s.dec.Decode(&r)
}
func (s *beforeStream) Send(r *beforerouter.ProcessingResponse) error { return s.enc.Encode(r) }

type afterStream struct {
	ctx context.Context
	dec *json.Decoder
	enc *json.Encoder
}

func (s *afterStream) Context() context.Context { return s.ctx }
func (s *afterStream) Recv() (*afterrouter.ProcessingRequest, error) {
	var r afterrouter.ProcessingRequest
	return &r, s.dec.Decode(&r)
}
func (s *afterStream) Send(r *afterrouter.ProcessingResponse) error { return s.enc.Encode(r) }

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	b := beforerouter.NewExtProcServer(logger, beforeidmap.New())
	a := afterrouter.NewExtProcServer(logger, afteridmap.New())

	bl, err := net.Listen("tcp", ":50051")
	if err != nil {
		panic(err)
	}
	al, err := net.Listen("tcp", ":50052")
	if err != nil {
		panic(err)
	}
	go func() {
		for {
			c, err := bl.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				b.Process(&beforeStream{ctx: context.Background(), dec: json.NewDecoder(c), enc: json.NewEncoder(c)})
			}()
		}
	}()
	go func() {
		for {
			c, err := al.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				a.Process(&afterStream{ctx: context.Background(), dec: json.NewDecoder(c), enc: json.NewEncoder(c)})
			}()
		}
	}()
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt)
	<-stop
	bl.Close()
	al.Close()
}
