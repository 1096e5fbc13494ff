package fetch

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	"github.com/mapscope/mapscope/internal/base"
)

// maxRedirects is how many redirects a request follows, as many as a
// proxy in front of a service plausibly adds.
const maxRedirects = 3

// errTimeout is the cause of a request's context when its own timeout
// fired, to tell it from the caller's cancellation.
var errTimeout = errors.New("fetch timeout")

// get fetches a URL.
func get(ctx context.Context, raw string, opt Options) ([]byte, Source, error) {
	name := Redact(raw)
	src := Source{Name: name, Origin: URL}
	u, secrets, err := requestURL(raw, opt)
	if err != nil {
		return nil, src, &base.InputError{Name: name, Err: scrubErr(err, secrets)}
	}
	// Name what is asked for, default path included.
	name = Redact(u.String())
	src.Name = name
	secrets = append(secrets, headerSecrets(opt.Header)...)
	fail := func(format string, args ...any) ([]byte, Source, error) {
		return nil, src, &base.InputError{Name: name, Err: scrubErr(fmt.Errorf(format, args...), secrets)}
	}

	timeout := opt.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if n, err := strconv.Atoi(u.Query().Get("seconds")); err == nil && n > 0 {
		// A day is longer than any profile anyone waits for, and keeps
		// the sum far from overflowing.
		timeout += time.Duration(min(n, 86400)) * time.Second
	}
	rctx, cancel := context.WithTimeoutCause(ctx, timeout, errTimeout)
	defer cancel()
	timedOut := func() bool { return ctx.Err() == nil && context.Cause(rctx) == errTimeout }

	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fail("%v", unwrapURLError(err))
	}
	for k, vs := range opt.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "mapscope")
	}
	client := &http.Client{
		Transport: opt.Transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return errTooManyRedirects
			}
			return nil
		},
	}
	resp, err := client.Do(req)
	if err != nil {
		switch err := unwrapURLError(err); {
		case timedOut():
			return fail("no answer within %v", timeout)
		case ctx.Err() != nil:
			return fail("%w", ctx.Err())
		case errors.Is(err, errTooManyRedirects):
			return fail("more than %d redirects", maxRedirects)
		case errors.Is(err, syscall.ECONNREFUSED):
			return fail("connection refused (is the program running and serving net/http/pprof at %s?)", u.Host)
		default:
			var dnsErr *net.DNSError
			if errors.As(err, &dnsErr) {
				return fail("cannot resolve host %s (%v)", dnsErr.Name, dnsErr.Err)
			}
			return fail("%v", err)
		}
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		return fail("%s", statusMessage(resp))
	}
	if resp.ContentLength > opt.MaxBytes {
		return fail("the profile is %s, more than the %s limit", byteCount(resp.ContentLength), byteCount(opt.MaxBytes))
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, opt.MaxBytes+1))
	src.Time = time.Now()
	switch {
	case err != nil && timedOut():
		return fail("the profile did not arrive within %v (%s received)", timeout, byteCount(int64(len(data))))
	case err != nil && ctx.Err() != nil:
		return fail("%w", ctx.Err())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fail("the connection closed after %s, before the end of the profile", byteCount(int64(len(data))))
	case err != nil:
		return fail("reading the profile: %v", err)
	case int64(len(data)) > opt.MaxBytes:
		return fail("the profile is larger than the %s limit", byteCount(opt.MaxBytes))
	case len(data) == 0:
		return fail("returned an empty body, not a profile")
	case isHTML(resp.Header.Get("Content-Type"), data):
		return fail("%s", htmlMessage(u, opt.DefaultPath))
	}
	if err := checkGzip(data); err != nil {
		if errors.Is(err, errTruncatedGzip) {
			return fail("truncated gzip data: the body ends after %s, before the profile does (was the connection cut?)", byteCount(int64(len(data))))
		}
		return fail("%v", err)
	}
	return data, src, nil
}

var errTooManyRedirects = errors.New("too many redirects")

// requestURL parses raw and applies the options to it. It also returns the
// secrets the URL holds, to scrub from messages.
func requestURL(raw string, opt Options) (*url.URL, []string, error) {
	secrets := textSecrets(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return nil, secrets, fmt.Errorf("not a valid URL: %v", unwrapURLError(err))
	}
	secrets = urlSecrets(u)
	if u.Host == "" {
		return nil, secrets, errors.New("not a valid URL: no host")
	}
	if opt.Seconds < 0 {
		return nil, secrets, fmt.Errorf("negative seconds %d", opt.Seconds)
	}
	if (u.Path == "" || u.Path == "/") && opt.DefaultPath != "" {
		u.Path, u.RawPath = opt.DefaultPath, ""
	}
	if opt.Seconds > 0 || opt.GC {
		q := u.Query()
		if opt.Seconds > 0 {
			q.Set("seconds", strconv.Itoa(opt.Seconds))
		}
		if opt.GC {
			q.Set("gc", "1")
		}
		u.RawQuery = q.Encode()
	}
	u.Fragment, u.RawFragment = "", ""
	return u, secrets, nil
}

// unwrapURLError drops the *url.Error around err: its message repeats the
// whole URL, query and all.
func unwrapURLError(err error) error {
	var ue *url.Error
	for errors.As(err, &ue) {
		err = ue.Err
	}
	return err
}

// statusMessage describes a response other than 200 OK: its status and
// the first line of its text, if it is text.
func statusMessage(resp *http.Response) string {
	msg := "HTTP " + resp.Status
	if resp.Status == "" {
		msg = fmt.Sprintf("HTTP %d", resp.StatusCode)
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if isHTML(resp.Header.Get("Content-Type"), body) {
		return msg + " (an HTML page)"
	}
	if line := firstLine(body); line != "" {
		msg += ": " + line
	}
	return msg
}

// firstLine returns the first non-blank line of body if body is text,
// cut to about 100 characters.
func firstLine(body []byte) string {
	if bytes.IndexByte(body, 0) >= 0 {
		return "" // binary
	}
	for line := range strings.Lines(strings.ToValidUTF8(string(body), "")) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		line = strings.Map(func(r rune) rune {
			if r < ' ' || r == 0x7f {
				return ' '
			}
			return r
		}, line)
		const limit = 100
		if utf8.RuneCountInString(line) > limit {
			line = string([]rune(line)[:limit]) + "..."
		}
		return line
	}
	return ""
}

// isHTML reports whether a body is an HTML page: a login page, a proxy's
// error page, or the /debug/pprof/ index.
func isHTML(contentType string, body []byte) bool {
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(contentType)), "text/html") {
		return true
	}
	head := bytes.ToLower(bytes.TrimSpace(body[:min(len(body), 512)]))
	return bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html"))
}

func htmlMessage(u *url.URL, defaultPath string) string {
	const msg = "returned an HTML page, not a profile"
	if defaultPath == "" || u.Path == defaultPath {
		return msg + " (a login page, or a proxy's error page?)"
	}
	want := url.URL{Scheme: u.Scheme, Host: u.Host, Path: defaultPath}
	return msg + ": is the URL " + Redact(want.String()) + "?"
}

var errTruncatedGzip = errors.New("truncated gzip data")

// checkGzip makes sure that data, if it is gzip-compressed, is whole: a
// download cut short without a Content-Length to tell is otherwise only
// noticed by the parser, which cannot say why.
func checkGzip(data []byte) error {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return errTruncatedGzip
	}
	if err != nil {
		return fmt.Errorf("bad gzip data: %v", err)
	}
	// Decompressing to nowhere costs a few milliseconds per MB; the bound
	// matches heapprof's limit on a decompressed profile.
	_, err = io.Copy(io.Discard, io.LimitReader(zr, 2<<30))
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errTruncatedGzip
	case err != nil:
		return fmt.Errorf("bad gzip data: %v", err)
	}
	return nil
}
