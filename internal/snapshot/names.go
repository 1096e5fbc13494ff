package snapshot

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/fetch"
)

// The store's own files. Snapshots are KIND-NNNNNN.pb.gz; files being
// written are .tmp-KIND-NNNNNN.pb.gz-RANDOM until they are renamed.
const (
	indexFile  = "index.jsonl"
	lockFile   = "watch.lock"
	tempPrefix = ".tmp-"
)

// maxSeq bounds sequence numbers so that they and their file names stay
// well inside every integer and path limit.
const maxSeq = 1e12

// fileName is the name of the snapshot of kind k numbered seq.
func fileName(k Kind, seq int) string {
	return string(k) + "-" + pad6(seq) + ".pb.gz"
}

func pad6(n int) string {
	s := strconv.Itoa(n)
	if len(s) < 6 {
		s = strings.Repeat("0", 6-len(s)) + s
	}
	return s
}

// parseFileName returns the kind and number of a snapshot file name, or
// ok false for any other name, including a snapshot name spelled
// differently than fileName spells it (heap-0000001.pb.gz).
func parseFileName(name string) (k Kind, seq int, ok bool) {
	base, found := strings.CutSuffix(name, ".pb.gz")
	if !found {
		return "", 0, false
	}
	kind, num, found := strings.Cut(base, "-")
	if !found || !validKind(Kind(kind)) || len(num) < 6 || len(num) > 13 {
		return "", 0, false
	}
	for _, c := range []byte(num) {
		if c < '0' || c > '9' {
			return "", 0, false
		}
	}
	seq, err := strconv.Atoi(num)
	if err != nil || seq < 1 || seq > maxSeq || fileName(Kind(kind), seq) != name {
		return "", 0, false
	}
	return Kind(kind), seq, true
}

func validKind(k Kind) bool { return k == Heap || k == Goroutine }

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// TargetDir returns the directory under root for the snapshots of the
// program at rawURL: its host and port, then the path before any
// /debug/pprof, with everything but letters, digits, dots and dashes
// turned into underscores. Credentials and query never take part.
//
//	http://127.0.0.1:8080/debug/pprof/heap       -> root/127.0.0.1_8080
//	https://user:pw@svc.internal/admin/debug/pprof/heap?token=x
//	                                             -> root/svc.internal_admin
//	http://[::1]:6060                            -> root/ipv6-1_6060
func TargetDir(root, rawURL string) string {
	var host, port, path string
	if u, err := url.Parse(rawURL); err == nil && u.Host != "" {
		host, port, path = strings.ToLower(u.Hostname()), u.Port(), u.Path
	} else {
		// Not a URL mapscope could fetch; name it by its redacted text.
		path = fetch.Redact(rawURL)
	}
	if i := strings.Index(path, "/debug/pprof"); i >= 0 {
		path = path[:i]
	}
	if strings.Contains(host, ":") {
		// An IPv6 address: keep its digits, but not a leading dash that
		// would make the directory look like a flag.
		host = "ipv6-" + strings.Trim(strings.ReplaceAll(host, ":", "-"), "-")
	}
	var parts []string
	for _, p := range []string{host, port, path} {
		if p = sanitize(p); p != "" {
			parts = append(parts, p)
		}
	}
	name := strings.Join(parts, "_")
	if name == "" {
		name = "target"
	}
	if len(name) > 80 {
		// Long paths keep a readable head and a hash that tells them apart.
		name = name[:64] + "-" + sum([]byte(name))[:12]
	}
	return filepath.Join(root, name)
}

// sanitize keeps letters, digits, dots and dashes, turns runs of anything
// else into one underscore, and trims underscores, dots and dashes from
// the ends, so the result is never ".", "..", hidden or flag-like.
func sanitize(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			b.WriteRune(r)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.Trim(b.String(), "_.-")
}

// profileExts are the names ReadDir takes for profiles: what curl -o,
// go tool pprof and mapwatch's dumps usually write.
var profileExts = []string{".pb.gz", ".pb", ".pprof", ".prof", ".gz"}

// ReadDir lists the profiles in a plain directory, one not written by a
// Store (say, files saved by curl in a loop), in name order with numbers
// compared as numbers (heap.9 before heap.10). A profile is a regular
// file whose name ends in .pb.gz, .pb, .pprof, .prof or .gz, or has no
// dot at all; hidden files are left out. The entries have Seq (the
// position, from 1), File, Path and Size; Kind, Time and SHA256 are
// unknown, and the caller learns the kind and time from the content.
//
// A directory written by a Store (see IsStore) is better read with
// OpenReadOnly, which knows the kinds and times and checks the contents.
func ReadDir(dir string) ([]Entry, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &base.InputError{Name: dir, Err: err}
	}
	var entries []Entry
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, ".") || !isProfileName(name) {
			continue
		}
		fi, err := os.Stat(filepath.Join(dir, name)) // follows symbolic links
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		entries = append(entries, Entry{File: name, Path: filepath.Join(dir, name), Size: fi.Size()})
	}
	slices.SortFunc(entries, func(a, b Entry) int {
		return cmp.Or(naturalCompare(a.File, b.File), strings.Compare(a.File, b.File))
	})
	for i := range entries {
		entries[i].Seq = i + 1
	}
	return entries, nil
}

func isProfileName(name string) bool {
	if !strings.Contains(name, ".") {
		return true
	}
	lower := strings.ToLower(name)
	return slices.ContainsFunc(profileExts, func(ext string) bool { return strings.HasSuffix(lower, ext) })
}

// naturalCompare orders names with runs of digits compared as numbers.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		da, db := isDigit(a[0]), isDigit(b[0])
		if da && db {
			na, ra := digitRun(a)
			nb, rb := digitRun(b)
			ta, tb := strings.TrimLeft(na, "0"), strings.TrimLeft(nb, "0")
			if c := cmp.Compare(len(ta), len(tb)); c != 0 {
				return c
			}
			if c := strings.Compare(ta, tb); c != 0 {
				return c
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func digitRun(s string) (run, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// IsStore reports whether dir holds a Store (it has an index).
func IsStore(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, indexFile))
	return err == nil && fi.Mode().IsRegular()
}
