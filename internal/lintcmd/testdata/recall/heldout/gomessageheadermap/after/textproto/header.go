// Package textproto reads and writes the header of an Internet message
// (RFC 5322) so that what is read can be written back byte for byte, as
// DKIM needs.
//
// The fixed shape of emersion/go-message after
// https://github.com/emersion/go-message/pull/57 (commit 47dcae6):
// makeHeaderMap makes its map with the number of fields it indexes.
package textproto

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strings"
)

type headerField struct {
	b []byte // the raw field as read, or nil for a field added later
	k string
	v string
}

func newHeaderField(k, v string, b []byte) *headerField {
	return &headerField{k: textproto.CanonicalMIMEHeaderKey(k), v: v, b: b}
}

// Header is the fields of a message header. The fields are kept in reverse
// order, so that adding one at the top is an append.
type Header struct {
	l []*headerField
	m map[string][]*headerField
}

func makeHeaderMap(fs []*headerField) map[string][]*headerField {
	if len(fs) == 0 {
		return nil
	}
	m := make(map[string][]*headerField, len(fs))
	for i, f := range fs {
		m[f.k] = append(m[f.k], fs[i])
	}
	return m
}

func newHeader(fs []*headerField) Header {
	for i := len(fs)/2 - 1; i >= 0; i-- {
		opp := len(fs) - 1 - i
		fs[i], fs[opp] = fs[opp], fs[i]
	}
	return Header{l: fs, m: makeHeaderMap(fs)}
}

// Add adds a field at the top of the header.
func (h *Header) Add(k, v string) {
	k = textproto.CanonicalMIMEHeaderKey(k)
	if h.m == nil {
		h.m = make(map[string][]*headerField)
	}
	f := newHeaderField(k, v, nil)
	h.l = append(h.l, f)
	h.m[k] = append(h.m[k], f)
}

// Get returns the value of the first field with key k, or "".
func (h *Header) Get(k string) string {
	fs := h.m[textproto.CanonicalMIMEHeaderKey(k)]
	if len(fs) == 0 {
		return ""
	}
	return fs[len(fs)-1].v
}

// Del deletes every field with key k.
func (h *Header) Del(k string) {
	k = textproto.CanonicalMIMEHeaderKey(k)
	delete(h.m, k)
	for i := len(h.l) - 1; i >= 0; i-- {
		if h.l[i].k == k {
			h.l = append(h.l[:i], h.l[i+1:]...)
		}
	}
}

// Has reports whether the header has a field with key k.
func (h *Header) Has(k string) bool {
	_, ok := h.m[textproto.CanonicalMIMEHeaderKey(k)]
	return ok
}

// Copy returns an independent copy of the header.
func (h *Header) Copy() Header {
	l := make([]*headerField, len(h.l))
	copy(l, h.l)
	return Header{l: l, m: makeHeaderMap(l)}
}

// Len returns the number of fields.
func (h *Header) Len() int { return len(h.l) }

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// readLine reads one line without its line ending.
func readLine(r *bufio.Reader) ([]byte, error) {
	var line []byte
	for {
		part, more, err := r.ReadLine()
		if err != nil {
			return nil, err
		}
		line = append(line, part...)
		if !more {
			return line, nil
		}
	}
}

// readField reads a field and its continuation lines, returning the raw
// bytes and the unfolded line.
func readField(r *bufio.Reader) ([]byte, []byte, error) {
	first, err := readLine(r)
	if err != nil {
		return nil, nil, err
	}
	raw := append(append([]byte(nil), first...), '\r', '\n')
	unfolded := append([]byte(nil), first...)
	for {
		next, err := r.Peek(1)
		if err != nil || !isSpace(next[0]) {
			return raw, unfolded, nil
		}
		cont, err := readLine(r)
		if err != nil {
			return nil, nil, err
		}
		raw = append(append(raw, cont...), '\r', '\n')
		unfolded = append(append(unfolded, ' '), bytes.TrimLeft(cont, " \t")...)
	}
}

// ReadHeader reads a header from r, up to and including the blank line
// that ends it.
func ReadHeader(r *bufio.Reader) (Header, error) {
	if b, err := r.Peek(1); err == nil && isSpace(b[0]) {
		return Header{}, errors.New("message: malformed header: first line starts with whitespace")
	}
	var fs []*headerField
	for {
		b, err := r.Peek(1)
		if err != nil {
			return newHeader(fs), err
		}
		if b[0] == '\r' || b[0] == '\n' {
			if _, err := readLine(r); err != nil {
				return newHeader(fs), err
			}
			return newHeader(fs), nil
		}
		raw, line, err := readField(r)
		if err != nil {
			return newHeader(fs), err
		}
		k, v, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			return newHeader(fs), fmt.Errorf("message: malformed header line: %q", line)
		}
		fs = append(fs, newHeaderField(string(bytes.TrimSpace(k)), string(bytes.TrimSpace(v)), raw))
	}
}

// WriteHeader writes h to w, raw fields as they were read and the blank
// line after them.
func WriteHeader(w io.Writer, h Header) error {
	var sb strings.Builder
	for i := len(h.l) - 1; i >= 0; i-- {
		f := h.l[i]
		if f.b != nil {
			sb.Write(f.b)
			continue
		}
		sb.WriteString(f.k + ": " + f.v + "\r\n")
	}
	sb.WriteString("\r\n")
	_, err := io.WriteString(w, sb.String())
	return err
}
