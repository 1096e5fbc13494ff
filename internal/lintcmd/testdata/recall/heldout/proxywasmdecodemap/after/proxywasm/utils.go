// Package proxywasm implements the host side of the proxy-wasm ABI: the
// functions a Wasm filter calls for every request it handles.
//
// The fixed form of proxywasmdecodemap (see the before form): after
// https://github.com/mosn/proxy-wasm-go-host/pull/3 (commit 9a09492)
// DecodeMap makes its map with the pair count it has just read.
package proxywasm

import (
	"encoding/binary"

	"recall/heldout/proxywasmdecodemap/after/common"
)

func getImportHandler(instance common.WasmInstance) ImportsHandler {
	if v := instance.GetData(); v != nil {
		if ctx, ok := v.(ContextHandler); ok {
			if im := ctx.GetImports(); im != nil {
				return im
			}
		}
	}
	return &DefaultImportsHandler{}
}

// EncodeMap encodes m as the ABI lays out header pairs: the pair count,
// then each key and value size, then each key and value followed by a
// zero byte.
func EncodeMap(m map[string]string) []byte {
	if len(m) == 0 {
		return nil
	}
	total := 4
	for k, v := range m {
		total += 4 + 4 + len(k) + 1 + len(v) + 1
	}
	b := make([]byte, total)
	binary.LittleEndian.PutUint32(b, uint32(len(m)))
	lenPtr := 4
	dataPtr := lenPtr + 8*len(m)
	for k, v := range m {
		binary.LittleEndian.PutUint32(b[lenPtr:], uint32(len(k)))
		binary.LittleEndian.PutUint32(b[lenPtr+4:], uint32(len(v)))
		lenPtr += 8
		dataPtr += copy(b[dataPtr:], k) + 1
		dataPtr += copy(b[dataPtr:], v) + 1
	}
	return b
}

// DecodeMap decodes header pairs laid out as EncodeMap writes them.
func DecodeMap(rawData []byte) map[string]string {
	if len(rawData) < 4 {
		return nil
	}
	pairs := binary.LittleEndian.Uint32(rawData[0:4])
	dataPtr := 4 + 8*int(pairs)
	if dataPtr >= len(rawData) {
		return nil
	}

	res := make(map[string]string, pairs)

	for i := 0; i < int(pairs); i++ {
		lenIndex := 4 + 8*i
		keySize := int(binary.LittleEndian.Uint32(rawData[lenIndex : lenIndex+4]))
		valueSize := int(binary.LittleEndian.Uint32(rawData[lenIndex+4 : lenIndex+8]))

		if dataPtr+keySize > len(rawData) {
			break
		}
		key := string(rawData[dataPtr : dataPtr+keySize])
		dataPtr += keySize + 1

		if dataPtr+valueSize > len(rawData) {
			break
		}
		value := string(rawData[dataPtr : dataPtr+valueSize])
		dataPtr += valueSize + 1

		res[key] = value
	}
	return res
}
