package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// maxLine bounds an index line; a real one is about 250 bytes, and
// anything much longer is damage, not an entry.
const maxLine = 16 << 10

// An indexLine is one line of index.jsonl, parsed.
type indexLine struct {
	n     int // line number, from 1
	entry Entry
	err   error // why the line is not an entry
}

// parseIndex splits the contents of index.jsonl into lines and parses
// each. Blank lines are ignored. Bytes after the last newline are a line
// whose write was interrupted: they are not parsed, and whole is the
// length of data without them.
func parseIndex(data []byte) (lines []indexLine, whole int) {
	whole = bytes.LastIndexByte(data, '\n') + 1
	n := 0
	for rest := data[:whole]; len(rest) > 0; {
		line, after, _ := bytes.Cut(rest, []byte("\n"))
		rest = after
		n++
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		e, err := parseLine(line)
		lines = append(lines, indexLine{n: n, entry: e, err: err})
	}
	return lines, whole
}

// parseLine parses and checks one index line: a snapshot the store will
// read must have a kind, a number, the file name these give, a size and
// a hash, so that a damaged or hand-edited line can never make the store
// read some other file.
func parseLine(line []byte) (Entry, error) {
	if len(line) > maxLine {
		return Entry{}, fmt.Errorf("%d bytes long, not an index entry", len(line))
	}
	var e Entry
	if err := json.Unmarshal(line, &e); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return Entry{}, errors.New("not valid JSON")
		}
		return Entry{}, fmt.Errorf("not an index entry (%v)", err)
	}
	switch {
	case !validKind(e.Kind):
		return Entry{}, fmt.Errorf("unknown kind %q", truncate(string(e.Kind)))
	case e.Seq < 1 || e.Seq > maxSeq:
		return Entry{}, fmt.Errorf("sequence number %d out of range", e.Seq)
	case e.File != fileName(e.Kind, e.Seq):
		return Entry{}, fmt.Errorf("file %q, not %s", truncate(e.File), fileName(e.Kind, e.Seq))
	case e.Size < 1:
		return Entry{}, fmt.Errorf("size %d", e.Size)
	case !isSHA256(e.SHA256):
		return Entry{}, fmt.Errorf("sha256 %q is not a SHA-256 in hex", truncate(e.SHA256))
	case e.Time.IsZero():
		return Entry{}, errors.New("no time")
	}
	return e, nil
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// truncate shortens text quoted from a damaged index for a message.
func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// formatLine is the index line of e, newline included.
func formatLine(e Entry) ([]byte, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
