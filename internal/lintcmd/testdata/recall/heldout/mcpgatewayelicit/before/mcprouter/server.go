package mcprouter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"

	"recall/heldout/mcpgatewayelicit/before/idmap"
)

// ProcessingRequest is one message of the proxy's external-processing
// stream: the request's headers and body, then the response's.
type ProcessingRequest struct {
	Phase       string            `json:"phase"` // request_headers, request_body, response_headers, response_body
	Headers     map[string]string `json:"headers,omitempty"`
	Body        []byte            `json:"body,omitempty"`
	EndOfStream bool              `json:"end_of_stream,omitempty"`
}

// ProcessingResponse tells the proxy what to do with a message.
type ProcessingResponse struct {
	Phase   string            `json:"phase"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    []byte            `json:"body,omitempty"`
	Status  int               `json:"status,omitempty"`
}

// ProcessStream is the proxy's side of one HTTP exchange.
type ProcessStream interface {
	Context() context.Context
	Recv() (*ProcessingRequest, error)
	Send(*ProcessingResponse) error
}

// ExtProcServer routes MCP requests for the proxy.
type ExtProcServer struct {
	Logger         *slog.Logger
	ElicitationMap idmap.Map
	// Backends maps a tool-name prefix to a backend server.
	Backends map[string]string
}

func NewExtProcServer(logger *slog.Logger, m idmap.Map) *ExtProcServer {
	return &ExtProcServer{Logger: logger, ElicitationMap: m, Backends: map[string]string{}}
}

// Process handles one exchange, from the request's headers to the end of
// the response's body.
func (s *ExtProcServer) Process(stream ProcessStream) error {
	var (
		ctx        = stream.Context()
		reqHeaders map[string]string
		mcpRequest *MCPRequest
		rewriter   *sseRewriter // set when a tool call's response streams
		body       []byte
	)
	for {
		req, err := stream.Recv()
		if err != nil {
			s.Logger.ErrorContext(ctx, "error receiving request", "error", err)
			return err
		}
		switch req.Phase {
		case "request_headers":
			reqHeaders = req.Headers
			if err := stream.Send(&ProcessingResponse{Phase: req.Phase}); err != nil {
				return err
			}
		case "request_body":
			if reqHeaders == nil {
				stream.Send(&ProcessingResponse{Phase: req.Phase, Status: 500})
				return errors.New("request body received before headers")
			}
			body = append(body, req.Body...)
			if !req.EndOfStream {
				if err := stream.Send(&ProcessingResponse{Phase: req.Phase}); err != nil {
					return err
				}
				continue
			}
			if err := json.Unmarshal(body, &mcpRequest); err != nil {
				if err := stream.Send(&ProcessingResponse{Phase: req.Phase, Status: 400}); err != nil {
					return err
				}
				continue
			}
			mcpRequest.sessionID = reqHeaders["mcp-session-id"]
			mcpRequest.backendSessionID = reqHeaders["x-backend-session-id"]
			mcpRequest.serverName = s.route(mcpRequest)
			if err := stream.Send(&ProcessingResponse{Phase: req.Phase, Headers: map[string]string{"x-mcp-server": mcpRequest.serverName}}); err != nil {
				return err
			}
		case "response_headers":
			if reqHeaders == nil {
				return fmt.Errorf("response headers before request headers")
			}
			if mcpRequest != nil && mcpRequest.isToolCall() && req.Headers[":status"] == "200" {
				rewriter = &sseRewriter{idMap: s.ElicitationMap, req: mcpRequest, logger: s.Logger}
			}
			if err := stream.Send(&ProcessingResponse{Phase: req.Phase}); err != nil {
				return err
			}
			if rewriter == nil {
				return nil // not a tool call: the body is not streamed through us
			}
		case "response_body":
			out := req.Body
			if rewriter != nil {
				out = rewriter.Process(ctx, out)
				if req.EndOfStream {
					out = append(out, rewriter.Flush(ctx)...)
				}
			}
			if err := stream.Send(&ProcessingResponse{Phase: req.Phase, Body: out}); err != nil {
				return err
			}
			if req.EndOfStream {
				return nil
			}
		default:
			return fmt.Errorf("unknown phase %q", req.Phase)
		}
	}
}

func (s *ExtProcServer) route(r *MCPRequest) string {
	var p struct {
		Name string `json:"name"`
	}
	json.Unmarshal(r.Params, &p)
	for prefix, server := range s.Backends {
		if len(p.Name) >= len(prefix) && p.Name[:len(prefix)] == prefix {
			return server
		}
	}
	return "default"
}

// HandleElicitationResponse forwards a client's answer to the backend's ID
// and forgets the gateway ID.
func (s *ExtProcServer) HandleElicitationResponse(ctx context.Context, gatewayID string) (any, error) {
	e, ok, err := s.ElicitationMap.Lookup(ctx, gatewayID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("unknown elicitation %q", gatewayID)
	}
	s.ElicitationMap.Remove(ctx, gatewayID)
	return e.BackendID, nil
}
