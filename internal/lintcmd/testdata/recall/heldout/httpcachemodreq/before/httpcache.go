// Package httpcache reproduces, in its own words, the request-map leak
// of gregjones/httpcache fixed for https://github.com/gregjones/httpcache/issues/62
// (commit 9c8ca9fd8d221af7f23495d5bcd716c3258ff85a; before/ is the code
// before the fix, after/ as fixed). A caching RoundTripper revalidates a
// stale cached response with a clone of the caller's request carrying
// If-None-Match, and remembers original -> clone so that CancelRequest on
// the original can cancel the clone. The mapping was meant to be released
// when the round trip failed or its body was read, but the release closure
// used the variable that by then held the clone, so it deleted a key that
// was never stored and every revalidated request stayed in the map.
package httpcache

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"net/http/httputil"
	"sync"
)

// Cache stores raw responses by URL.
type Cache interface {
	Get(key string) ([]byte, bool)
	Set(key string, raw []byte)
}

// releaseOnEOF calls done once, when the body hits EOF or is closed.
type releaseOnEOF struct {
	body io.ReadCloser
	done func()
}

func (r *releaseOnEOF) Read(p []byte) (int, error) {
	n, err := r.body.Read(p)
	if err == io.EOF {
		r.fire()
	}
	return n, err
}

func (r *releaseOnEOF) Close() error {
	err := r.body.Close()
	r.fire()
	return err
}

func (r *releaseOnEOF) fire() {
	if f := r.done; f != nil {
		r.done = nil
		f()
	}
}

// Transport answers from Cache when it can and revalidates stale entries.
type Transport struct {
	Next  http.RoundTripper
	Cache Cache

	mu     sync.Mutex
	clones map[*http.Request]*http.Request
}

// remember records (or, with clone nil, forgets) the clone sent for orig.
func (t *Transport) remember(orig, clone *http.Request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.clones == nil {
		t.clones = make(map[*http.Request]*http.Request)
	}
	if clone == nil {
		delete(t.clones, orig)
		return
	}
	t.clones[orig] = clone // want growonly "."
}

func (t *Transport) next() http.RoundTripper {
	if t.Next != nil {
		return t.Next
	}
	return http.DefaultTransport
}

func withHeader(req *http.Request, name, value string) *http.Request {
	c := req.Clone(req.Context())
	c.Header.Set(name, value)
	return c
}

// RoundTrip serves GETs from the cache, revalidating with the ETag.
func (t *Transport) RoundTrip(req *http.Request) (resp *http.Response, err error) {
	key := req.URL.String()
	raw, ok := t.Cache.Get(key)
	if !ok || req.Method != http.MethodGet {
		resp, err = t.next().RoundTrip(req)
		if err == nil && req.Method == http.MethodGet && resp.StatusCode == http.StatusOK {
			if dump, derr := httputil.DumpResponse(resp, true); derr == nil {
				t.Cache.Set(key, dump)
			}
		}
		return resp, err
	}
	cached, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(raw)), req)
	if err != nil {
		return nil, err
	}
	etag := cached.Header.Get("ETag")
	if etag == "" || req.Header.Get("If-None-Match") != "" {
		return cached, nil
	}
	clone := withHeader(req, "If-None-Match", etag)
	t.remember(req, clone)
	req = clone
	defer func() {
		if err != nil {
			t.remember(req, nil)
		}
		if resp != nil {
			resp.Body = &releaseOnEOF{body: resp.Body, done: func() { t.remember(req, nil) }}
		}
	}()
	resp, err = t.next().RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusNotModified {
		resp.Body.Close()
		return cached, nil
	}
	return resp, err
}

// CancelRequest cancels the request sent for req, the clone if there is one.
func (t *Transport) CancelRequest(req *http.Request) {
	type canceler interface{ CancelRequest(*http.Request) }
	c, ok := t.next().(canceler)
	if !ok {
		return
	}
	t.mu.Lock()
	clone, found := t.clones[req]
	if found {
		delete(t.clones, req)
	}
	t.mu.Unlock()
	if found {
		c.CancelRequest(clone)
		return
	}
	c.CancelRequest(req)
}
