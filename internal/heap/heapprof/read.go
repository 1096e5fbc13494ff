// Package heapprof reads heap and allocs profiles and selects the figures
// mapscope reports from them.
//
// It accepts what runtime/pprof writes and /debug/pprof/heap and
// /debug/pprof/allocs serve (gzip-compressed or plain protobuf, and the
// legacy text format), godeltaprof's profiles, and the full-stack
// profiles written by mapwatch. Everything else is refused with an error
// that says what the input is instead.
package heapprof

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/pprof/profile"
)

// maxDecompressed bounds the size of a decompressed profile so that a gzip
// bomb cannot exhaust memory. Real heap profiles are a few MB; pprof's own
// limit on a single profile is far larger than any we have seen.
const maxDecompressed = 2 << 30

// ReadFile reads and validates the heap profile in the named file.
func ReadFile(name string) (*profile.Profile, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return Parse(data)
}

// Parse decodes a heap or allocs profile from data. Errors describe what is
// wrong with the data in a few words, without naming it; callers add the
// name.
func Parse(data []byte) (*profile.Profile, error) {
	p, err := Decode(data)
	if err != nil {
		return nil, err
	}
	if err := checkHeap(p); err != nil {
		return nil, err
	}
	return p, nil
}

// Decode decodes a profile of any kind from gzip-compressed or plain
// protobuf data.
func Decode(data []byte) (p *profile.Profile, err error) {
	defer func() {
		// The pprof decoder is fuzzed upstream, but a crash on one odd file
		// must not take down a program that embeds this package.
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("not a valid profile (decoder failed: %v)", r)
		}
	}()
	if len(data) == 0 {
		return nil, errors.New("empty file")
	}
	if isGzip(data) {
		if data, err = Gunzip(data); err != nil {
			return nil, err
		}
		if len(data) == 0 {
			return nil, errors.New("empty profile inside gzip data")
		}
	}
	p, err = profile.ParseData(data)
	if err != nil {
		return nil, fmt.Errorf("not a pprof profile (%s)", strings.TrimPrefix(err.Error(), "parsing profile: "))
	}
	if isText(data) {
		symbolizeText(data, p)
	}
	return p, nil
}

func isGzip(data []byte) bool { return len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b }

// Gunzip decompresses a gzip-compressed profile (or trace) in one buffer
// sized from the stream's trailer, refusing more than maxDecompressed
// bytes; its errors say what is wrong with the data.
func Gunzip(data []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("bad gzip data: %v", err)
	}
	var out bytes.Buffer
	// A gzip stream ends with its uncompressed size modulo 2^32 (RFC
	// 1952): with room for exactly that (plus one byte, so that the copy
	// sees the end without growing), a large profile is never copied.
	// A size that lies only costs growth.
	size := 4 * len(data)
	if len(data) >= 18 {
		if isize := int(binary.LittleEndian.Uint32(data[len(data)-4:])); isize > 0 && isize <= maxDecompressed && isize < 64*len(data) {
			size = isize + 1
		}
	}
	out.Grow(size)
	n, err := io.Copy(&out, io.LimitReader(zr, maxDecompressed+1))
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, errors.New("truncated gzip data (the file ends early; was the download cut off?)")
	case err != nil:
		return nil, fmt.Errorf("bad gzip data: %v", err)
	case n > maxDecompressed:
		return nil, fmt.Errorf("decompressed profile exceeds %d bytes", maxDecompressed)
	}
	return out.Bytes(), nil
}

// IsGoroutine reports whether p is a goroutine profile.
func IsGoroutine(p *profile.Profile) bool {
	return p.PeriodType != nil && p.PeriodType.Type == "goroutine"
}

// heapTypes are the sample types a heap or allocs profile carries, in the
// order runtime/pprof writes them.
var heapTypes = []string{"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"}

// checkHeap refuses profiles that are valid pprof data but not heap
// profiles, naming what they look like instead.
func checkHeap(p *profile.Profile) error {
	have := make(map[string]bool, len(p.SampleType))
	var names []string
	for _, st := range p.SampleType {
		have[st.Type] = true
		names = append(names, st.Type+"/"+st.Unit)
	}
	if have["alloc_space"] || have["inuse_space"] {
		return nil
	}
	kind := "not a heap profile"
	switch {
	case have["cpu"] || have["samples"] && p.PeriodType != nil && p.PeriodType.Type == "cpu":
		kind = "a CPU profile, not a heap profile"
	case have["contentions"] || have["delay"]:
		kind = "a mutex or block profile, not a heap profile"
	case p.PeriodType != nil && p.PeriodType.Type == "goroutine":
		kind = "a goroutine profile, not a heap profile"
	}
	return fmt.Errorf("%s (sample types %s); mapscope heap needs a heap or allocs profile such as /debug/pprof/heap serves",
		kind, strings.Join(names, ", "))
}
