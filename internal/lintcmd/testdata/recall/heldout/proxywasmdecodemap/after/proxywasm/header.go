package proxywasm

import "recall/heldout/proxywasmdecodemap/after/common"

// GetMap returns the stream's header map of the given type.
func GetMap(instance common.WasmInstance, mapType MapType) common.HeaderMap {
	ctx := getImportHandler(instance)
	switch mapType {
	case MapTypeHttpRequestHeaders:
		return ctx.GetHttpRequestHeader()
	case MapTypeHttpRequestTrailers:
		return ctx.GetHttpRequestTrailer()
	case MapTypeHttpResponseHeaders:
		return ctx.GetHttpResponseHeader()
	case MapTypeHttpResponseTrailers:
		return ctx.GetHttpResponseTrailer()
	case MapTypeHttpCallResponseHeaders:
		return ctx.GetHttpCallResponseHeaders()
	case MapTypeHttpCallResponseTrailers:
		return ctx.GetHttpCallResponseTrailer()
	}
	return nil
}

// ProxyGetHeaderMapPairs copies a header map into the module's memory.
func ProxyGetHeaderMapPairs(instance common.WasmInstance, mapType int32, returnDataPtr int32, returnDataSize int32) int32 {
	header := GetMap(instance, MapType(mapType))
	if header == nil {
		return WasmResultNotFound.Int32()
	}
	cloneMap := make(map[string]string)
	header.Range(func(key, value string) bool {
		cloneMap[key] = value
		return true
	})
	data := EncodeMap(cloneMap)
	if data == nil {
		data = make([]byte, 4)
	}
	addr, err := instance.Malloc(int32(len(data)))
	if err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	if err := instance.PutMemory(addr, uint64(len(data)), data); err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	if err := instance.PutUint32(uint64(returnDataPtr), uint32(addr)); err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	if err := instance.PutUint32(uint64(returnDataSize), uint32(len(data))); err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	return WasmResultOk.Int32()
}

// ProxySetHeaderMapPairs sets the headers the module hands over on a
// header map of the stream.
func ProxySetHeaderMapPairs(instance common.WasmInstance, mapType int32, ptr int32, size int32) int32 {
	headerMap := GetMap(instance, MapType(mapType))
	if headerMap == nil {
		return WasmResultNotFound.Int32()
	}
	content, err := instance.GetMemory(uint64(ptr), uint64(size))
	if err != nil {
		return WasmResultInvalidMemoryAccess.Int32()
	}
	for k, v := range DecodeMap(content) {
		headerMap.Set(k, v)
	}
	return WasmResultOk.Int32()
}
