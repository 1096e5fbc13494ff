// Package fetch gets the bytes of a profile the way go tool pprof does:
// from a file, from standard input ("-"), or from a running program's
// /debug/pprof endpoint over http or https. It does not parse them:
// callers hand the bytes to heapprof.Parse or to their own parser.
//
//	data, src, err := fetch.Open(ctx, "http://127.0.0.1:6060", fetch.Options{
//		DefaultPath: "/debug/pprof/heap",
//		Timeout:     10 * time.Second,
//	})
//	if err != nil {
//		return err // *base.InputError naming src without secrets
//	}
//	p, err := heapprof.Parse(data)
//	if err != nil {
//		return base.Inputf(src.Name, "%v", err)
//	}
//
// # Which inputs are URLs
//
// Only inputs that start with http:// or https:// are URLs; anything else
// is a file name ("-" is standard input). A URL whose path is empty or "/"
// gets Options.DefaultPath, so http://127.0.0.1:6060 reads the heap
// profile when DefaultPath is /debug/pprof/heap; any other path is used as
// written. There is no other rewriting.
//
// # Secrets
//
// A URL may carry credentials (http://user:password@host/...) and query
// parameters that are tokens, and Options.Header may hold an Authorization
// header. These go into the request and nowhere else: errors and
// Source.Name name the input by scheme, host and path only (see Redact),
// and text quoted from a server's error page has every secret the request
// carried replaced by "***". Redirects are followed at most three times;
// net/http drops Authorization when a redirect leaves the host.
//
// # Errors
//
// Every error is a *base.InputError whose one-line message names the input
// and says what went wrong: the connection was refused, no answer came
// within the timeout, the server answered with an HTTP error (its status
// and the first line of its text), an HTML page or an empty body came back
// instead of a profile, the body exceeded the size limit, or the
// connection closed before the profile ended. Cancelling ctx stops a
// request; the error then wraps ctx's error.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mapscope/mapscope/internal/base"
)

// DefaultTimeout bounds a request when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// DefaultMaxBytes bounds the size of a profile when Options.MaxBytes is
// zero. Heap profiles of large services are tens of MB compressed; the
// limit is there so that a wrong URL (a file server, a stream) cannot fill
// memory.
const DefaultMaxBytes = 512 << 20

// Options says how to get a profile. The zero value reads files and stdin
// and fetches URLs as written, with DefaultTimeout.
type Options struct {
	// DefaultPath replaces an empty or "/" URL path, e.g.
	// "/debug/pprof/heap" or "/debug/pprof/profile".
	DefaultPath string
	// Seconds, when positive, asks for a profile over that many seconds
	// (a CPU profile, or a heap delta profile): the URL gets the query
	// parameter seconds=N, replacing any it had, and the timeout grows by
	// N seconds. A URL that already says seconds=N gets the longer timeout
	// too.
	Seconds int
	// GC adds gc=1, asking the heap handler to run a garbage collection
	// first so that in-use figures are up to date.
	GC bool
	// Timeout bounds a whole request, body included; zero means
	// DefaultTimeout. It does not apply to files or stdin.
	Timeout time.Duration
	// Header is added to every request (Authorization, say). Its values
	// never appear in errors.
	Header http.Header
	// MaxBytes is the largest profile accepted; zero means
	// DefaultMaxBytes.
	MaxBytes int64
	// Stdin is read for the input "-"; nil means os.Stdin.
	Stdin io.Reader
	// Transport makes the requests (for TLS settings or a proxy); nil
	// means http.DefaultTransport.
	Transport http.RoundTripper
}

// Origin says where a profile came from.
type Origin int

const (
	File Origin = iota
	Stdin
	URL
)

// Source describes the input a profile was read from.
type Source struct {
	// Name is how messages should call the input: the file name, "stdin",
	// or the URL without credentials, query or fragment.
	Name   string
	Origin Origin
	// Time is when the profile was read: for a URL, when the whole body
	// had arrived.
	Time time.Time
}

// Open reads the profile named by src: a file name, "-" for stdin, or an
// http or https URL. It returns the bytes as they came (gzip-compressed
// for protobuf profiles) and where they came from. Errors are
// *base.InputError values that name src without its secrets.
func Open(ctx context.Context, src string, opt Options) ([]byte, Source, error) {
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = DefaultMaxBytes
	}
	switch {
	case src == "":
		return nil, Source{}, base.Inputf("", "no input named (want a file, - for stdin, or an http or https URL)")
	case src == "-":
		return readStdin(ctx, opt)
	case hasScheme(src, "http") || hasScheme(src, "https"):
		return get(ctx, src, opt)
	case strings.Contains(src, "://"):
		scheme, _, _ := strings.Cut(src, "://")
		return nil, Source{}, base.Inputf(Redact(src), "unsupported URL scheme %q (want http or https)", scheme)
	}
	return readFile(src, opt)
}

func hasScheme(s, scheme string) bool {
	return len(s) > len(scheme)+3 && strings.EqualFold(s[:len(scheme)+3], scheme+"://")
}

// hostPort matches inputs that look like a URL written without its
// scheme, the way go tool pprof accepts them; mapscope wants the scheme
// but says so.
var hostPort = regexp.MustCompile(`^[A-Za-z0-9.-]+:[0-9]+(/|$)`)

func readFile(name string, opt Options) ([]byte, Source, error) {
	src := Source{Name: name, Origin: File}
	fail := func(err error) ([]byte, Source, error) {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		if errors.Is(err, fs.ErrNotExist) && hostPort.MatchString(name) {
			return nil, src, base.Inputf(Redact(name), "no such file (for a URL, write http://%s)", Redact(name))
		}
		return nil, src, &base.InputError{Name: name, Err: err}
	}
	f, err := os.Open(name)
	if err != nil {
		return fail(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fail(err)
	}
	if fi.IsDir() {
		return nil, src, base.Inputf(name, "is a directory, not a profile")
	}
	if fi.Size() > opt.MaxBytes {
		return nil, src, base.Inputf(name, "%s is larger than the %s limit", byteCount(fi.Size()), byteCount(opt.MaxBytes))
	}
	// Room for the whole file at once: growing a buffer to a 100 MB trace
	// by doubling costs more than reading it.
	var buf bytes.Buffer
	buf.Grow(int(fi.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(io.LimitReader(f, opt.MaxBytes+1)); err != nil {
		return fail(err)
	}
	data := buf.Bytes()
	src.Time = time.Now()
	switch {
	case len(data) == 0:
		return nil, src, base.Inputf(name, "empty file")
	case int64(len(data)) > opt.MaxBytes:
		return nil, src, base.Inputf(name, "larger than the %s limit", byteCount(opt.MaxBytes))
	}
	return data, src, nil
}

func readStdin(ctx context.Context, opt Options) ([]byte, Source, error) {
	src := Source{Name: "stdin", Origin: Stdin}
	in := opt.Stdin
	if in == nil {
		in = os.Stdin
	}
	type result struct {
		data []byte
		err  error
	}
	// A read from a terminal or a pipe cannot be interrupted; on
	// cancellation the reader is left behind, which is harmless in a
	// command that is about to exit.
	done := make(chan result, 1)
	go func() {
		data, err := io.ReadAll(io.LimitReader(in, opt.MaxBytes+1))
		done <- result{data, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		return nil, src, &base.InputError{Name: src.Name, Err: ctx.Err()}
	}
	src.Time = time.Now()
	switch {
	case r.err != nil:
		return nil, src, &base.InputError{Name: src.Name, Err: r.err}
	case len(r.data) == 0:
		return nil, src, base.Inputf(src.Name, "empty input")
	case int64(len(r.data)) > opt.MaxBytes:
		return nil, src, base.Inputf(src.Name, "input larger than the %s limit", byteCount(opt.MaxBytes))
	}
	if err := checkGzip(r.data); err != nil {
		return nil, src, &base.InputError{Name: src.Name, Err: err}
	}
	return r.data, src, nil
}

// byteCount formats n for messages: 512 MiB, 1.5 KiB, 100 bytes.
func byteCount(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	s := fmt.Sprintf("%.1f", float64(n)/float64(div))
	s = strings.TrimSuffix(s, ".0")
	return s + " " + "KMGTPE"[exp:exp+1] + "iB"
}

// URLSeconds returns the seconds=N an http(s) URL asks for, if it asks
// (N > 0). A command whose -seconds was not given on the command line
// keeps it: whoever wrote .../profile?seconds=60 meant a minute, not the
// flag's default, which Options.Seconds would put in its place.
func URLSeconds(raw string) (int, bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return 0, false
	}
	n, err := strconv.Atoi(u.Query().Get("seconds"))
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// SecondsFlag returns the seconds to ask src for: the int flag name of set
// when it was given on the command line, else the seconds=N of the URL
// when it has one (URLSeconds), else the flag's default.
func SecondsFlag(set *flag.FlagSet, name, src string) int {
	f := set.Lookup(name)
	if f == nil {
		return 0
	}
	given := false
	set.Visit(func(v *flag.Flag) { given = given || v.Name == name })
	if !given {
		if n, ok := URLSeconds(src); ok {
			return n
		}
	}
	n, _ := strconv.Atoi(f.Value.String())
	return n
}
