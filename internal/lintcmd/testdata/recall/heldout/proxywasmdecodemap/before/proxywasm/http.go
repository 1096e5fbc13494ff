package proxywasm

import "recall/heldout/proxywasmdecodemap/before/common"

// ProxySendHttpResponse sends a local reply with the headers the module
// hands over.
func ProxySendHttpResponse(instance common.WasmInstance, respCode int32, respCodeDetailPtr int32, respCodeDetailSize int32,
	respBodyPtr int32, respBodySize int32, additionalHeaderMapDataPtr int32, additionalHeaderSize int32, grpcStatus int32) int32 {
	respCodeDetail, err := instance.GetMemory(uint64(respCodeDetailPtr), uint64(respCodeDetailSize))
	if err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	respBody, err := instance.GetMemory(uint64(respBodyPtr), uint64(respBodySize))
	if err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	headerData, err := instance.GetMemory(uint64(additionalHeaderMapDataPtr), uint64(additionalHeaderSize))
	if err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	ctx := getImportHandler(instance)
	return ctx.SendHttpResp(respCode, common.NewIoBufferBytes(respCodeDetail), common.NewIoBufferBytes(respBody),
		common.CommonHeader(DecodeMap(headerData)), grpcStatus).Int32()
}

// ProxyHttpCall makes an HTTP call with the headers and trailers the
// module hands over, and writes the call's ID into its memory.
func ProxyHttpCall(instance common.WasmInstance, uriPtr int32, uriSize int32,
	headerPairsPtr int32, headerPairsSize int32, bodyPtr int32, bodySize int32, trailerPairsPtr int32, trailerPairsSize int32,
	timeoutMilliseconds int32, calloutIDPtr int32) int32 {
	url, err := instance.GetMemory(uint64(uriPtr), uint64(uriSize))
	if err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	headerData, err := instance.GetMemory(uint64(headerPairsPtr), uint64(headerPairsSize))
	if err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	body, err := instance.GetMemory(uint64(bodyPtr), uint64(bodySize))
	if err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	trailerData, err := instance.GetMemory(uint64(trailerPairsPtr), uint64(trailerPairsSize))
	if err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	ctx := getImportHandler(instance)
	calloutID, res := ctx.HttpCall(string(url), common.CommonHeader(DecodeMap(headerData)),
		common.NewIoBufferBytes(body), common.CommonHeader(DecodeMap(trailerData)), timeoutMilliseconds)
	if res != WasmResultOk {
		return res.Int32()
	}
	if err := instance.PutUint32(uint64(calloutIDPtr), uint32(calloutID)); err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	return WasmResultOk.Int32()
}
