// Package snapshot is the embedded store of "mapscope watch": the heap
// and goroutine profiles it fetches, kept in one directory per target
// (TargetDir: ./mapscope-data/127.0.0.1_8080/), so that a run can stop
// and resume, and so that "mapscope trend DIR" can read them later.
//
//	st, err := snapshot.Open(snapshot.TargetDir("mapscope-data", url))
//	if err != nil {
//		return err
//	}
//	defer st.Close()
//	for _, e := range st.List() { ... } // what earlier runs kept
//	e, err := st.Add(snapshot.Snapshot{Kind: snapshot.Heap, Time: src.Time, Target: url, Data: data})
//
// # Layout
//
// A snapshot is the profile exactly as fetched (gzip-compressed protobuf)
// in a file named KIND-NNNNNN.pb.gz (heap-000001.pb.gz,
// goroutine-000001.pb.gz). index.jsonl lists them, one JSON object per
// line, in the order they were written:
//
//	{"seq":1,"kind":"heap","time":"2026-03-01T10:00:00Z","target":"http://127.0.0.1:8080/debug/pprof/heap","file":"heap-000001.pb.gz","size":48213,"sha256":"9f2c..."}
//
// The target is the URL without credentials, query or fragment
// (fetch.Redact); nothing secret is written. A caller that fetches a heap
// and a goroutine profile per tick gives both the same Seq, so that they
// pair up by name. watch.lock keeps a second writer out.
//
// # Crash safety
//
// Add writes the profile to a temporary file in the directory
// (.tmp-heap-000007.pb.gz-RANDOM), syncs it, renames it to its name,
// syncs the directory, and only then appends the index line (O_APPEND)
// and syncs the index. A writer killed at any point, or a machine that
// stops, loses at most the snapshot whose Add had not returned; every
// snapshot Add returned for is there after Open. Open, the writer's,
// repairs what an interrupted Add leaves, in this order, and says what it
// did in Repairs:
//
//   - temporary files are removed: they are snapshots whose Add had not
//     finished;
//   - a last index line without its newline (a torn append) is cut off the
//     index;
//   - a snapshot file that the index does not list (the writer stopped
//     between the rename and the append, or the line was torn away) is
//     adopted: the file was complete and synced before it got its name,
//     so Open checks that it parses as a profile of its kind and appends
//     its line, with the profile's own time, the target of the latest
//     entry, and "adopted":true. A file that does not parse is reported in
//     Skipped and left alone. Adopting rather than deleting also means a
//     lost or deleted index.jsonl is rebuilt from the files.
//
// Open, in both modes, checks every listed file against its size and
// SHA-256: a file that is missing or whose content changed is reported in
// Skipped and not listed, never read as a snapshot (Entry.Read checks the
// hash again). Damaged index lines are reported and kept. Sequence
// numbers continue after the highest one used by any entry or file, so a
// resumed run never reuses a name.
//
// OpenReadOnly reads a store without the lock and without changing
// anything, for trend while watch may still be writing: a snapshot being
// written is simply not seen yet.
package snapshot

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/atomicfile"
	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/fetch"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
)

// Kind is what a snapshot is a profile of.
type Kind string

const (
	Heap      Kind = "heap"
	Goroutine Kind = "goroutine"
)

// A Snapshot is a profile to add to a Store.
type Snapshot struct {
	// Seq is the snapshot's number; zero means Next. A heap and a
	// goroutine profile fetched together may share a number.
	Seq  int
	Kind Kind
	// Time is when the profile was fetched; zero means now.
	Time time.Time
	// Target is the URL it came from; Add keeps it without credentials,
	// query or fragment.
	Target string
	// Data is the profile as fetched.
	Data []byte
}

// An Entry is a snapshot in a store, or a profile file found by ReadDir.
// Its JSON form is a line of index.jsonl.
type Entry struct {
	Seq    int       `json:"seq"`
	Kind   Kind      `json:"kind"`
	Time   time.Time `json:"time"`
	Target string    `json:"target,omitempty"`
	File   string    `json:"file"` // the file name within the directory
	Size   int64     `json:"size"`
	SHA256 string    `json:"sha256"` // hex
	// Adopted marks a snapshot that Open found written but not indexed
	// after a crash; its Time is the profile's own and its Target assumed.
	Adopted bool `json:"adopted,omitempty"`

	Path string `json:"-"` // the file's path
}

// Read returns the entry's profile. For a store's entry it checks the
// content against the size and hash the index recorded, so a file that
// changed since is an error, never another snapshot.
func (e Entry) Read() ([]byte, error) {
	data, err := os.ReadFile(e.Path)
	if err != nil {
		return nil, &base.InputError{Name: e.Path, Err: atomicfile.Unwrap(err)}
	}
	if e.SHA256 != "" {
		if err := e.check(data); err != nil {
			return nil, &base.InputError{Name: e.Path, Err: err}
		}
	} else if len(data) == 0 {
		return nil, base.Inputf(e.Path, "empty file")
	}
	return data, nil
}

// check compares data with what the index says of it.
func (e Entry) check(data []byte) error {
	if int64(len(data)) != e.Size {
		return fmt.Errorf("%d bytes, but the index says %d (the file changed after it was written)", len(data), e.Size)
	}
	if got := sum(data); got != e.SHA256 {
		return fmt.Errorf("content does not match the index (sha256 %.12s, not %.12s): the file changed after it was written", got, e.SHA256)
	}
	return nil
}

type key struct {
	kind Kind
	seq  int
}

// A Store is a directory of snapshots. Its methods are safe for
// concurrent use.
type Store struct {
	dir      string
	readOnly bool

	mu        sync.Mutex
	lock      dirLock
	index     *os.File // open for appending; nil when read-only or closed
	indexSize int64    // bytes of whole lines in the index
	entries   []Entry  // readable snapshots, in (Seq, Kind) order
	used      map[key]bool
	next      int
	skipped   []string
	repairs   []string
	broken    error // set when the index may hold a partial line
}

// crashHook, when set by a test, is called between the steps of Add so
// that a test process can kill itself at an exact point.
var crashHook func(step string)

// Open opens the store in dir for writing, creating dir if needed, and
// repairs what an interrupted run left (see the package comment). Only
// one process at a time can have a store open for writing; Open fails if
// another has. Close releases it.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, &base.InputError{Name: dir, Err: atomicfile.Unwrap(err)}
	}
	lk, err := lockDir(dir)
	if err != nil {
		return nil, &base.InputError{Name: dir, Err: atomicfile.Unwrap(err)}
	}
	s := &Store{dir: dir, lock: lk}
	if err := s.load(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenReadOnly reads the store in dir without locking or changing it. Its
// Add fails.
func OpenReadOnly(dir string) (*Store, error) {
	if fi, err := os.Stat(dir); err != nil {
		return nil, &base.InputError{Name: dir, Err: atomicfile.Unwrap(err)}
	} else if !fi.IsDir() {
		return nil, base.Inputf(dir, "not a directory")
	}
	if !IsStore(dir) {
		return nil, base.Inputf(dir, "not a mapscope watch directory (no %s)", indexFile)
	}
	s := &Store{dir: dir, readOnly: true}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// load reads the index and the directory, and, for a writer, repairs them.
func (s *Store) load() error {
	s.used = make(map[key]bool)
	des, err := os.ReadDir(s.dir)
	if err != nil {
		return &base.InputError{Name: s.dir, Err: atomicfile.Unwrap(err)}
	}
	if !s.readOnly {
		for _, de := range des {
			if strings.HasPrefix(de.Name(), tempPrefix) && de.Type().IsRegular() {
				if err := os.Remove(filepath.Join(s.dir, de.Name())); err != nil {
					return s.inputErr(de.Name(), "cannot remove a temporary file: %v", atomicfile.Unwrap(err))
				}
				s.repairs = append(s.repairs, fmt.Sprintf("removed %s, left by an interrupted write", de.Name()))
			}
		}
	}

	indexPath := filepath.Join(s.dir, indexFile)
	data, err := os.ReadFile(indexPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return &base.InputError{Name: indexPath, Err: atomicfile.Unwrap(err)}
	}
	lines, whole := parseIndex(data)
	if !s.readOnly {
		if err := s.openIndex(indexPath, data, whole); err != nil {
			return err
		}
	}
	s.takeLines(lines, verify)

	// Snapshot files the index does not list.
	for _, de := range des {
		kind, seq, ok := parseFileName(de.Name())
		if !ok || s.used[key{kind, seq}] {
			continue
		}
		s.used[key{kind, seq}] = true
		if s.readOnly {
			continue // perhaps being added right now
		}
		if err := s.adopt(kind, seq); err != nil {
			return err
		}
	}

	s.next = 1
	for k := range s.used {
		s.next = max(s.next, k.seq+1)
	}
	s.sort()
	return nil
}

// openIndex opens the index for appending, first cutting off a torn last
// line. A new index is made durable before any snapshot relies on it.
func (s *Store) openIndex(name string, data []byte, whole int) error {
	f, err := os.OpenFile(name, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return &base.InputError{Name: name, Err: atomicfile.Unwrap(err)}
	}
	s.index = f
	if len(data) == 0 {
		if err := atomicfile.SyncDir(s.dir); err != nil {
			return &base.InputError{Name: s.dir, Err: err}
		}
	}
	if whole < len(data) {
		if err := f.Truncate(int64(whole)); err != nil {
			return &base.InputError{Name: name, Err: atomicfile.Unwrap(err)}
		}
		if err := f.Sync(); err != nil {
			return &base.InputError{Name: name, Err: atomicfile.Unwrap(err)}
		}
		s.repairs = append(s.repairs, fmt.Sprintf("cut a torn last line (%d bytes) from %s, left by an interrupted write", len(data)-whole, indexFile))
	}
	s.indexSize = int64(whole)
	return nil
}

// takeLines lists the entries of the index lines whose files verify
// accepts, and reports the others. The first line for a snapshot wins.
func (s *Store) takeLines(lines []indexLine, verify func(Entry) error) {
	for _, l := range lines {
		if l.err != nil {
			s.skipped = append(s.skipped, fmt.Sprintf("%s line %d: %v", indexFile, l.n, l.err))
			continue
		}
		e := l.entry
		k := key{e.Kind, e.Seq}
		if s.used[k] {
			s.skipped = append(s.skipped, fmt.Sprintf("%s line %d: a second entry for %s", indexFile, l.n, e.File))
			continue
		}
		s.used[k] = true
		e.Path = filepath.Join(s.dir, e.File)
		if err := verify(e); err != nil {
			s.skipped = append(s.skipped, e.File+": "+err.Error())
			continue
		}
		s.entries = append(s.entries, e)
	}
}

// verify checks that e's file is there and holds what the index says.
func verify(e Entry) error {
	data, err := os.ReadFile(e.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("listed in the index but missing")
	}
	if err != nil {
		return atomicfile.Unwrap(err)
	}
	return e.check(data)
}

// adopt indexes the snapshot file of kind and seq that the index does not
// list, if it is a whole profile of its kind.
func (s *Store) adopt(kind Kind, seq int) error {
	name := fileName(kind, seq)
	path := filepath.Join(s.dir, name)
	data, err := os.ReadFile(path)
	if err != nil {
		s.skipped = append(s.skipped, fmt.Sprintf("%s: not in the index and unreadable (%v); left alone", name, atomicfile.Unwrap(err)))
		return nil
	}
	t, err := profileTime(kind, data)
	if err != nil {
		s.skipped = append(s.skipped, fmt.Sprintf("%s: not in the index and not a %s profile (%v); left alone", name, kind, err))
		return nil
	}
	if t.IsZero() {
		if fi, err := os.Stat(path); err == nil {
			t = fi.ModTime()
		} else {
			t = time.Now()
		}
	}
	e := Entry{
		Seq: seq, Kind: kind, Time: t.UTC(), File: name, Path: path,
		Size: int64(len(data)), SHA256: sum(data), Adopted: true,
	}
	// The target of the latest entry before it: a store holds one target.
	best := 0
	for _, o := range s.entries {
		if o.Seq <= seq && o.Seq >= best && o.Target != "" {
			e.Target, best = o.Target, o.Seq
		}
	}
	if err := s.appendLine(e); err != nil {
		return err
	}
	s.entries = append(s.entries, e)
	s.repairs = append(s.repairs, fmt.Sprintf("adopted %s, written but not indexed when the last run stopped", name))
	return nil
}

// profileTime parses data as a profile of kind and returns its time.
func profileTime(kind Kind, data []byte) (time.Time, error) {
	var p *profile.Profile
	var err error
	if kind == Heap {
		p, err = heapprof.Parse(data)
	} else {
		p, err = parseProfile(data)
	}
	if err != nil {
		return time.Time{}, err
	}
	if p.TimeNanos <= 0 {
		return time.Time{}, nil
	}
	return time.Unix(0, p.TimeNanos), nil
}

// parseProfile parses any pprof profile, without letting a decoder panic
// escape.
func parseProfile(data []byte) (p *profile.Profile, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("not a valid profile (decoder failed: %v)", r)
		}
	}()
	return profile.ParseData(data)
}

// compareEntries orders entries by number, a heap snapshot before the
// goroutine snapshot of the same number.
func compareEntries(a, b Entry) int {
	return cmp.Or(cmp.Compare(a.Seq, b.Seq), cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)))
}

func kindOrder(k Kind) int {
	if k == Heap {
		return 0
	}
	return 1
}

func (s *Store) sort() { slices.SortFunc(s.entries, compareEntries) }

// Add writes snap to the store and returns its entry. When Add returns
// nil, the snapshot is on disk and indexed; when it fails or the process
// dies during it, the next Open finds either nothing of it or all of it.
func (s *Store) Add(snap Snapshot) (Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.readOnly:
		return Entry{}, fmt.Errorf("%s: store opened read-only", s.dir)
	case s.index == nil:
		return Entry{}, fmt.Errorf("%s: store closed", s.dir)
	case s.broken != nil:
		return Entry{}, fmt.Errorf("%s: an earlier write failed (%v); open the store again", s.dir, s.broken)
	case !validKind(snap.Kind):
		return Entry{}, fmt.Errorf("snapshot kind %q, want heap or goroutine", snap.Kind)
	case len(snap.Data) == 0:
		return Entry{}, errors.New("empty snapshot")
	case snap.Seq < 0 || snap.Seq > maxSeq:
		return Entry{}, fmt.Errorf("snapshot number %d out of range", snap.Seq)
	}
	seq := snap.Seq
	if seq == 0 {
		seq = s.next
	}
	name := fileName(snap.Kind, seq)
	if s.used[key{snap.Kind, seq}] {
		return Entry{}, fmt.Errorf("%s: %s already exists", s.dir, name)
	}
	t := snap.Time
	if t.IsZero() {
		t = time.Now()
	}
	e := Entry{
		Seq: seq, Kind: snap.Kind, Time: t.UTC().Round(0),
		Target: redactTarget(snap.Target),
		File:   name, Path: filepath.Join(s.dir, name),
		Size: int64(len(snap.Data)), SHA256: sum(snap.Data),
	}
	if err := s.writeFile(e.Path, snap.Data); err != nil {
		return Entry{}, s.inputErr(name, "cannot write: %v", err)
	}
	if crashHook != nil {
		crashHook("renamed")
	}
	if err := s.appendLine(e); err != nil {
		if s.broken == nil {
			// The line is not in the index. Without it the next Open
			// would adopt the file; the caller was told Add failed, so
			// take it back. (When the index is broken, the line may be
			// there: the file stays, and the next Open sorts it out.)
			if os.Remove(e.Path) == nil {
				atomicfile.SyncDir(s.dir)
			}
		}
		return Entry{}, err
	}
	s.used[key{e.Kind, e.Seq}] = true
	s.next = max(s.next, seq+1)
	s.entries = append(s.entries, e)
	if n := len(s.entries); n > 1 && compareEntries(s.entries[n-2], e) > 0 {
		s.sort()
	}
	return e, nil
}

// redactTarget keeps a target's scheme, host and path.
func redactTarget(target string) string {
	if target == "" {
		return ""
	}
	return fetch.Redact(target)
}

// writeFile writes data to path through a synced temporary file and a
// rename, and syncs the directory.
func (s *Store) writeFile(path string, data []byte) error {
	var beforeRename func()
	if crashHook != nil {
		beforeRename = func() { crashHook("written") }
	}
	return atomicfile.Write(path, tempPrefix+filepath.Base(path)+"-*", func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, beforeRename)
}

// appendLine appends e's line to the index and syncs it. A failed write
// is cut back off, so that the next line does not land on a partial one.
func (s *Store) appendLine(e Entry) error {
	line, err := formatLine(e)
	if err != nil {
		return err
	}
	indexPath := filepath.Join(s.dir, indexFile)
	n, err := s.index.Write(line)
	if err == nil {
		err = s.index.Sync()
		if err != nil {
			// After a failed fsync the kernel's copy may be neither the
			// old nor the new index; only a fresh Open can tell.
			s.broken = atomicfile.Unwrap(err)
		}
	} else if terr := s.index.Truncate(s.indexSize); terr != nil {
		s.broken = atomicfile.Unwrap(terr)
	}
	if err != nil {
		return &base.InputError{Name: indexPath, Err: fmt.Errorf("cannot write: %v", atomicfile.Unwrap(err))}
	}
	s.indexSize += int64(n)
	return nil
}

func (s *Store) inputErr(file, format string, args ...any) error {
	return base.Inputf(filepath.Join(s.dir, file), format, args...)
}

// List returns the readable snapshots, by Seq, heap before goroutine.
func (s *Store) List() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.entries)
}

// Next returns the number the next Add without a Seq will use.
func (s *Store) Next() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.next
}

// Skipped describes, one line each, what is in the directory but not
// listed: index lines that are damaged, files missing or changed, files
// outside the index that could not be adopted. Each line starts with the
// file it is about ("heap-000007.pb.gz: listed in the index but missing").
func (s *Store) Skipped() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.skipped)
}

// Repairs describes, one line each, what Open changed after an
// interrupted run.
func (s *Store) Repairs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.repairs)
}

// Dir returns the store's directory.
func (s *Store) Dir() string { return s.dir }

// Close releases the store. Adding after Close fails.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	if s.index != nil {
		errs = append(errs, s.index.Close())
		s.index = nil
	}
	if s.lock != nil {
		errs = append(errs, s.lock.unlock())
		s.lock = nil
	}
	return errors.Join(errs...)
}
