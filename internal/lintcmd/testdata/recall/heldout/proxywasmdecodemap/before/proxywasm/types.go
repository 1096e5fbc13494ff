package proxywasm

import "recall/heldout/proxywasmdecodemap/before/common"

// WasmResult is the status a host function returns to the module.
type WasmResult int32

// The results the host functions return.
const (
	WasmResultOk                  WasmResult = 0
	WasmResultNotFound            WasmResult = 1
	WasmResultBadArgument         WasmResult = 2
	WasmResultInvalidMemoryAccess WasmResult = 5
	WasmResultUnimplemented       WasmResult = 12
)

// Int32 returns r as the ABI passes it.
func (r WasmResult) Int32() int32 { return int32(r) }

// MapType names one of the header maps of a stream.
type MapType int32

// The header maps.
const (
	MapTypeHttpRequestHeaders       MapType = 0
	MapTypeHttpRequestTrailers      MapType = 1
	MapTypeHttpResponseHeaders      MapType = 2
	MapTypeHttpResponseTrailers     MapType = 3
	MapTypeHttpCallResponseHeaders  MapType = 6
	MapTypeHttpCallResponseTrailers MapType = 7
)

// ImportsHandler is what the embedder implements for the module's calls
// into the host, for one stream.
type ImportsHandler interface {
	GetHttpRequestHeader() common.HeaderMap
	GetHttpRequestTrailer() common.HeaderMap
	GetHttpResponseHeader() common.HeaderMap
	GetHttpResponseTrailer() common.HeaderMap
	GetHttpCallResponseHeaders() common.HeaderMap
	GetHttpCallResponseTrailer() common.HeaderMap
	SendHttpResp(respCode int32, respCodeDetail common.IoBuffer, respBody common.IoBuffer, additionalHeaderMap common.HeaderMap, grpcCode int32) WasmResult
	HttpCall(url string, headers common.HeaderMap, body common.IoBuffer, trailer common.HeaderMap, timeoutMilliseconds int32) (int32, WasmResult)
}

// ContextHandler is what the embedder attaches to an instance.
type ContextHandler interface {
	GetImports() ImportsHandler
}

// DefaultImportsHandler answers every call with nothing.
type DefaultImportsHandler struct{}

func (d *DefaultImportsHandler) GetHttpRequestHeader() common.HeaderMap       { return nil }
func (d *DefaultImportsHandler) GetHttpRequestTrailer() common.HeaderMap      { return nil }
func (d *DefaultImportsHandler) GetHttpResponseHeader() common.HeaderMap      { return nil }
func (d *DefaultImportsHandler) GetHttpResponseTrailer() common.HeaderMap     { return nil }
func (d *DefaultImportsHandler) GetHttpCallResponseHeaders() common.HeaderMap { return nil }
func (d *DefaultImportsHandler) GetHttpCallResponseTrailer() common.HeaderMap { return nil }
func (d *DefaultImportsHandler) SendHttpResp(int32, common.IoBuffer, common.IoBuffer, common.HeaderMap, int32) WasmResult {
	return WasmResultUnimplemented
}
func (d *DefaultImportsHandler) HttpCall(string, common.HeaderMap, common.IoBuffer, common.HeaderMap, int32) (int32, WasmResult) {
	return 0, WasmResultUnimplemented
}
