// Package gen holds the service's request and response types (generated
// from Thrift upstream).
package gen

// SingleHFileKeyRequest asks for the values of sorted keys in one file.
type SingleHFileKeyRequest struct {
	HfileName        *string  `json:"hfileName"`
	SortedKeys       [][]byte `json:"sortedKeys"`
	PerKeyValueLimit *int32   `json:"perKeyValueLimit,omitempty"`
	CountOnly        *bool    `json:"countOnly,omitempty"`
}

// GetCountOnly reports whether only the count is wanted.
func (r *SingleHFileKeyRequest) GetCountOnly() bool { return r.CountOnly != nil && *r.CountOnly }

// GetPerKeyValueLimit returns the limit of values per key.
func (r *SingleHFileKeyRequest) GetPerKeyValueLimit() int32 {
	if r.PerKeyValueLimit == nil {
		return 0
	}
	return *r.PerKeyValueLimit
}

// SingleHFileKeyResponse maps the index of each key found to its value.
type SingleHFileKeyResponse struct {
	Values   map[int32][]byte `json:"values"`
	KeyCount *int32           `json:"keyCount"`
}

// MultiHFileKeyResponse maps the index of each key found to its values.
type MultiHFileKeyResponse struct {
	Values   map[int32][][]byte `json:"values"`
	KeyCount *int32             `json:"keyCount"`
}
