// Package yaml is a stand-in for gopkg.in/yaml.v3 with its decoding API, so
// that the srcline testdata builds offline.
package yaml

import (
	"encoding/json"
	"io"
)

// Unmarshal decodes JSON, which is YAML, into out.
func Unmarshal(in []byte, out any) error { return json.Unmarshal(in, out) }

// Decoder reads values from a stream.
type Decoder struct{ d *json.Decoder }

// NewDecoder returns a decoder reading r.
func NewDecoder(r io.Reader) *Decoder { return &Decoder{json.NewDecoder(r)} }

// Decode decodes the next value into v.
func (d *Decoder) Decode(v any) error { return d.d.Decode(v) }
