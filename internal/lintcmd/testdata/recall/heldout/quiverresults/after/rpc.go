// Command quiver serves lookups of keys in read-only sorted files.
//
// The fixed form of quiverresults (see the before form): after
// https://github.com/foursquare/quiver/pull/50 (commit e5b64a8) both result
// maps are made with the number of keys the request asks for.
package main

import (
	"bytes"
	"encoding/json"
	"log"
	"net/http"

	"recall/heldout/quiverresults/after/gen"
	"recall/heldout/quiverresults/after/hfile"
)

// ThriftRpcImpl implements the lookup calls over the served files.
type ThriftRpcImpl struct {
	*hfile.CollectionSet
}

// GetValuesSingle returns the first value of each key found.
func (cs *ThriftRpcImpl) GetValuesSingle(req *gen.SingleHFileKeyRequest) (*gen.SingleHFileKeyResponse, error) {
	if Settings.debug {
		log.Printf("[GetValuesSingle] %s (%d keys)", *req.HfileName, len(req.SortedKeys))
	}
	hfile, err := cs.ReaderFor(*req.HfileName)
	if err != nil {
		return nil, err
	}
	reader := hfile.GetScanner()
	reader.EnforceKeyOrder = false
	defer reader.Release()

	res := new(gen.SingleHFileKeyResponse)
	res.Values = make(map[int32][]byte, len(req.SortedKeys))
	found := int32(0)

	for idx, key := range req.SortedKeys {
		if idx > 0 && bytes.Equal(req.SortedKeys[idx-1], key) {
			if prev, ok := res.Values[int32(idx-1)]; ok {
				res.Values[int32(idx)] = prev
				found++
			}
			continue
		}
		if !hfile.MightContain(key) {
			continue
		}
		value, err, ok := reader.GetFirst(key)
		if err != nil {
			return nil, err
		}
		if ok {
			found++
			if !req.GetCountOnly() {
				res.Values[int32(idx)] = value
			}
		}
	}
	res.KeyCount = &found
	return res, nil
}

// GetValuesMulti returns every value of each key found.
func (cs *ThriftRpcImpl) GetValuesMulti(req *gen.SingleHFileKeyRequest) (*gen.MultiHFileKeyResponse, error) {
	hfile, err := cs.ReaderFor(*req.HfileName)
	if err != nil {
		return nil, err
	}
	reader := hfile.GetScanner()
	defer reader.Release()

	res := new(gen.MultiHFileKeyResponse)
	res.Values = make(map[int32][][]byte, len(req.SortedKeys))
	found := int32(0)

	for idx, key := range req.SortedKeys {
		if !hfile.MightContain(key) {
			continue
		}
		values, err := reader.GetAll(key)
		if err != nil {
			return nil, err
		}
		if len(values) > 0 {
			found += int32(len(values))
			if limit := req.GetPerKeyValueLimit(); limit > 0 && int(limit) < len(values) {
				res.Values[int32(idx)] = values[:limit]
			} else {
				res.Values[int32(idx)] = values
			}
		}
	}
	res.KeyCount = &found
	return res, nil
}

// rpcHandler serves the calls: POST /rpc/HFileService/<method>.
func rpcHandler(impl *ThriftRpcImpl) http.Handler {
	mux := http.NewServeMux()
	call := func(f func(*gen.SingleHFileKeyRequest) (any, error)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var req gen.SingleHFileKeyRequest
			if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20)).Decode(&req); err != nil || req.HfileName == nil {
				http.Error(w, "bad request", http.StatusBadRequest)
				return
			}
			res, err := f(&req)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			json.NewEncoder(w).Encode(res)
		}
	}
	mux.HandleFunc("POST /rpc/HFileService/getValuesSingle", call(func(req *gen.SingleHFileKeyRequest) (any, error) {
		return impl.GetValuesSingle(req)
	}))
	mux.HandleFunc("POST /rpc/HFileService/getValuesMulti", call(func(req *gen.SingleHFileKeyRequest) (any, error) {
		return impl.GetValuesMulti(req)
	}))
	return mux
}
