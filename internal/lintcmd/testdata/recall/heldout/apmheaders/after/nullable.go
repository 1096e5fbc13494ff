// Package nullable reproduces, in its own words, the HTTP header decoding
// of Elastic APM's intake (elastic/apm-data) that got a size hint in
// https://github.com/elastic/apm-data/pull/249 (commit
// 8856ab5a02c347e4e08efc24323fcba0eac6157a; before/ is the code before
// the change, after/ as changed). Every transaction and error event an
// agent sends may carry the request's and the response's headers; the
// decoder reads them as a generic JSON object and copies them into an
// http.Header that started empty although the object's size was known.
package nullable

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// HTTPHeader is a header set that remembers whether it was present.
type HTTPHeader struct {
	Val   http.Header
	isSet bool
}

func (v *HTTPHeader) IsSet() bool { return v.isSet }

func (v *HTTPHeader) Reset() {
	v.Val = nil
	v.isSet = false
}

// UnmarshalJSON accepts an object whose values are strings or arrays of strings.
func (v *HTTPHeader) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var raw interface{}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	m, ok := raw.(map[string]interface{})
	if !ok {
		return errors.New("invalid input type for HTTPHeader")
	}
	h := make(http.Header, len(m))
	for key, val := range m {
		switch val := val.(type) {
		case string:
			h.Add(key, val)
		case []interface{}:
			for _, e := range val {
				s, ok := e.(string)
				if !ok {
					return fmt.Errorf("invalid input for HTTPHeader: %v", val)
				}
				h.Add(key, s)
			}
		default:
			return fmt.Errorf("invalid input for HTTPHeader: %v", val)
		}
	}
	v.Val = h
	v.isSet = true
	return nil
}

// Request is the part of an intake event that carries headers.
type Request struct {
	Method  string     `json:"method"`
	URL     string     `json:"url"`
	Headers HTTPHeader `json:"headers"`
}

type Response struct {
	StatusCode int        `json:"status_code"`
	Headers    HTTPHeader `json:"headers"`
}

type Context struct {
	Request  Request  `json:"request"`
	Response Response `json:"response"`
}

type Transaction struct {
	ID      string  `json:"id"`
	TraceID string  `json:"trace_id"`
	Name    string  `json:"name"`
	Context Context `json:"context"`
}

// DecodeTransaction decodes one NDJSON line of the intake stream.
func DecodeTransaction(line []byte) (*Transaction, error) {
	var t Transaction
	if err := json.Unmarshal(line, &t); err != nil {
		return nil, err
	}
	return &t, nil
}
