// Package mcprouter reproduces, in its own words, the elicitation-ID leak
// of the Kuadrant MCP gateway's router fixed in
// https://github.com/Kuadrant/mcp-gateway/pull/941 (commit
// ebece1a5a53882cdc214007c9e286f72963f263e; before/ is the code before the
// fix, after/ as fixed). While a tool call's response streams back through
// the router, every elicitation request in it is given a gateway ID,
// stored in the elicitation map (package idmap) with the backend's ID. The
// client's answer removes its entry, and the rewriter's Flush removes all
// the entries of the call when the response stream ends. Flush ran only
// at the end of the response body: a stream that failed before (the proxy
// closing it, a client that went away, a send error) returned without it,
// and the entries of every elicitation nobody answered stayed in the
// in-memory map for the life of the gateway. The fix defers the Flush, and
// makes it safe to run twice.
package mcprouter

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"

	"recall/heldout/mcpgatewayelicit/before/idmap"
)

var dataPrefix = []byte("data:")

// MCPRequest is the JSON-RPC request a tool call carries.
type MCPRequest struct {
	Method           string          `json:"method"`
	ID               any             `json:"id"`
	Params           json.RawMessage `json:"params,omitempty"`
	serverName       string
	backendSessionID string
	sessionID        string
}

func (r *MCPRequest) isToolCall() bool { return r.Method == "tools/call" }

// sseRewriter gives the elicitation requests of one tool call's SSE
// response gateway IDs, and forgets them when the response ends.
type sseRewriter struct {
	buf        []byte
	idMap      idmap.Map
	req        *MCPRequest
	logger     *slog.Logger
	gatewayIDs []string
}

// Process rewrites the complete lines of chunk and keeps the rest.
func (w *sseRewriter) Process(ctx context.Context, chunk []byte) []byte {
	w.buf = append(w.buf, chunk...)
	var out []byte
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		line := w.buf[:i+1]
		w.buf = w.buf[i+1:]
		if bytes.HasPrefix(bytes.TrimSpace(line), dataPrefix) {
			line = w.maybeRewriteElicitation(ctx, line)
		}
		out = append(out, line...)
	}
	return out
}

// Flush returns what is left of the stream and removes the call's gateway
// IDs.
func (w *sseRewriter) Flush(ctx context.Context) []byte {
	rest := w.buf
	w.buf = nil
	if len(rest) > 0 && bytes.HasPrefix(bytes.TrimSpace(rest), dataPrefix) {
		rest = w.maybeRewriteElicitation(ctx, rest)
	}
	for _, id := range w.gatewayIDs {
		w.idMap.Remove(ctx, id)
	}
	return rest
}

type jsonRPCMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	Method  string          `json:"method,omitempty"`
	ID      any             `json:"id,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
}

func (w *sseRewriter) maybeRewriteElicitation(ctx context.Context, line []byte) []byte {
	data := bytes.TrimSpace(bytes.TrimPrefix(bytes.TrimSpace(line), dataPrefix))
	var msg jsonRPCMessage
	if err := json.Unmarshal(data, &msg); err != nil {
		return line
	}
	if msg.Method != "elicitation/create" || msg.ID == nil {
		return line
	}
	gatewayID, err := w.idMap.Store(ctx, msg.ID, w.req.serverName, w.req.backendSessionID, w.req.sessionID)
	if err != nil {
		w.logger.ErrorContext(ctx, "failed to store elicitation mapping", "error", err)
		return line
	}
	w.gatewayIDs = append(w.gatewayIDs, gatewayID)
	msg.ID = gatewayID
	out, err := json.Marshal(&msg)
	if err != nil {
		return line
	}
	return append(append(append([]byte(nil), dataPrefix...), ' '), append(out, '\n')...)
}
