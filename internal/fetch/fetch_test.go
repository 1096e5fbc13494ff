package fetch

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/base"
	"github.com/mapscope/mapscope/internal/heap/heapprof"
)

// heapProfile returns a small gzip-compressed heap profile.
func heapProfile(t testing.TB) []byte {
	t.Helper()
	fn := &profile.Function{ID: 1, Name: "main.fill", SystemName: "main.fill", Filename: "main.go"}
	loc := &profile.Location{ID: 1, Address: 0x1000, Line: []profile.Line{{Function: fn, Line: 10}}}
	p := &profile.Profile{
		SampleType: []*profile.ValueType{
			{Type: "alloc_objects", Unit: "count"}, {Type: "alloc_space", Unit: "bytes"},
			{Type: "inuse_objects", Unit: "count"}, {Type: "inuse_space", Unit: "bytes"},
		},
		PeriodType: &profile.ValueType{Type: "space", Unit: "bytes"},
		Period:     512 * 1024,
		Sample:     []*profile.Sample{{Location: []*profile.Location{loc}, Value: []int64{1, 4096, 1, 4096}}},
		Location:   []*profile.Location{loc},
		Function:   []*profile.Function{fn},
		TimeNanos:  time.Now().UnixNano(),
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// serve starts a server on 127.0.0.1 with h.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s
}

// wantInputError checks that err is an *base.InputError naming name, and
// that its message holds each of want.
func wantInputError(t *testing.T, err error, name string, want ...string) {
	t.Helper()
	var ie *base.InputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v (%T), want a *base.InputError", err, err)
	}
	if ie.Name != name {
		t.Errorf("error names %q, want %q (%v)", ie.Name, name, err)
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one line: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not say %q", msg, w)
		}
	}
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	prof := heapProfile(t)
	good := filepath.Join(dir, "heap.pb.gz")
	empty := filepath.Join(dir, "empty")
	for name, data := range map[string][]byte{good: prof, empty: nil} {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx := t.Context()

	data, src, err := Open(ctx, good, Options{})
	if err != nil || !bytes.Equal(data, prof) || src.Name != good || src.Origin != File || src.Time.IsZero() {
		t.Fatalf("Open(%s) = %d bytes, %+v, %v", good, len(data), src, err)
	}
	if _, err := heapprof.Parse(data); err != nil {
		t.Fatal(err)
	}

	missing := filepath.Join(dir, "nope.pb.gz")
	_, _, err = Open(ctx, missing, Options{})
	wantInputError(t, err, missing, missing+": no such file or directory")
	_, _, err = Open(ctx, empty, Options{})
	wantInputError(t, err, empty, "empty file")
	_, _, err = Open(ctx, dir, Options{})
	wantInputError(t, err, dir, "is a directory")
	_, _, err = Open(ctx, good, Options{MaxBytes: 10})
	wantInputError(t, err, good, "larger than the 10 bytes limit")
	_, _, err = Open(ctx, "", Options{})
	wantInputError(t, err, "", "no input named")
	_, _, err = Open(ctx, "localhost:6060/debug/pprof/heap", Options{})
	wantInputError(t, err, "localhost:6060/debug/pprof/heap", "no such file (for a URL, write http://localhost:6060/debug/pprof/heap)")
	_, _, err = Open(ctx, "ftp://me:ftpsecret@example.com/heap?key=ftpkey", Options{})
	wantInputError(t, err, "ftp://example.com/heap", `unsupported URL scheme "ftp"`)
	noSecrets(t, err, "ftpsecret", "ftpkey")
}

func TestStdin(t *testing.T) {
	prof := heapProfile(t)
	ctx := t.Context()
	data, src, err := Open(ctx, "-", Options{Stdin: bytes.NewReader(prof)})
	if err != nil || !bytes.Equal(data, prof) || src.Name != "stdin" || src.Origin != Stdin {
		t.Fatalf("Open(-) = %d bytes, %+v, %v", len(data), src, err)
	}
	_, _, err = Open(ctx, "-", Options{Stdin: strings.NewReader("")})
	wantInputError(t, err, "stdin", "stdin: empty input")
	if err.Error() != "stdin: empty input" {
		t.Errorf("empty stdin: %q", err)
	}
	_, _, err = Open(ctx, "-", Options{Stdin: bytes.NewReader(prof[:len(prof)/2])})
	wantInputError(t, err, "stdin", "truncated gzip data")
	_, _, err = Open(ctx, "-", Options{Stdin: bytes.NewReader(prof), MaxBytes: 16})
	wantInputError(t, err, "stdin", "larger than the 16 bytes limit")

	// A reader that never ends is abandoned on cancellation.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	defer r.Close()
	cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
	defer cancel()
	_, _, err = Open(cctx, "-", Options{Stdin: r})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled stdin: %v, want context.DeadlineExceeded", err)
	}
}

func TestURL(t *testing.T) {
	prof := heapProfile(t)
	ctx := t.Context()
	var gotURL string
	ok := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gotURL = r.URL.String()
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(prof)
	})

	for _, tc := range []struct {
		url  string
		opt  Options
		want string // the request's path and query
		name string // Source.Name
	}{
		{ok.URL, Options{DefaultPath: "/debug/pprof/heap"}, "/debug/pprof/heap", ok.URL + "/debug/pprof/heap"},
		{ok.URL + "/", Options{DefaultPath: "/debug/pprof/heap"}, "/debug/pprof/heap", ok.URL + "/debug/pprof/heap"},
		{ok.URL + "/", Options{}, "/", ok.URL + "/"},
		{ok.URL + "/x/heap", Options{DefaultPath: "/debug/pprof/heap"}, "/x/heap", ok.URL + "/x/heap"},
		{ok.URL + "/debug/pprof/heap", Options{Seconds: 2, GC: true}, "/debug/pprof/heap?gc=1&seconds=2", ok.URL + "/debug/pprof/heap"},
		{ok.URL + "/debug/pprof/heap?seconds=9&a=b", Options{Seconds: 1}, "/debug/pprof/heap?a=b&seconds=1", ok.URL + "/debug/pprof/heap"},
		{ok.URL + "/debug/pprof/heap?debug=0#frag", Options{}, "/debug/pprof/heap?debug=0", ok.URL + "/debug/pprof/heap"},
	} {
		data, src, err := Open(ctx, tc.url, tc.opt)
		if err != nil {
			t.Errorf("Open(%s): %v", tc.url, err)
			continue
		}
		if gotURL != tc.want || src.Name != tc.name || src.Origin != URL || !bytes.Equal(data, prof) {
			t.Errorf("Open(%s, %+v) requested %s, named %s; want %s, %s", tc.url, tc.opt, gotURL, src.Name, tc.want, tc.name)
		}
	}

	// Bytes come back whatever they are: deciding that garbage or a CPU
	// profile is not a heap profile is the parser's job.
	garbage := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("\x00\x01garbage")) })
	data, src, err := Open(ctx, garbage.URL+"/debug/pprof/heap", Options{})
	if err != nil || string(data) != "\x00\x01garbage" {
		t.Fatalf("garbage: %q, %v", data, err)
	}
	if _, err := heapprof.Parse(data); err == nil {
		t.Errorf("heapprof parsed garbage from %s", src.Name)
	}
}

func TestURLErrors(t *testing.T) {
	prof := heapProfile(t)
	ctx := t.Context()
	stall := func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
		path    string
		opt     Options
		want    []string
	}{
		{
			name:    "404",
			handler: http.NotFound,
			path:    "/debug/pprof/heap",
			want:    []string{"HTTP 404 Not Found: 404 page not found"},
		},
		{
			name: "500 long line",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "\n\n  profile failed: "+strings.Repeat("x", 200)+"\nsecond line", 500)
			},
			path: "/debug/pprof/heap",
			want: []string{"HTTP 500 Internal Server Error: profile failed: xxx", "xxx...", "/debug/pprof/heap: HTTP 500"},
		},
		{
			name: "500 binary",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(502)
				w.Write([]byte("\x1f\x8b\x00\x00binary"))
			},
			path: "/debug/pprof/heap",
			want: []string{"HTTP 502 Bad Gateway"},
		},
		{
			name: "503 html",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(503)
				w.Write([]byte("<html><body>down</body></html>"))
			},
			path: "/debug/pprof/heap",
			want: []string{"HTTP 503 Service Unavailable (an HTML page)"},
		},
		{
			name: "index page",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Write([]byte("<html><head><title>/debug/pprof/</title></head></html>"))
			},
			path: "/debug/pprof/",
			opt:  Options{DefaultPath: "/debug/pprof/heap"},
			want: []string{"returned an HTML page, not a profile: is the URL http://", "/debug/pprof/heap?"},
		},
		{
			name: "html without content type",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				w.Write([]byte("\n<!DOCTYPE html><html>login</html>"))
			},
			path: "/debug/pprof/heap",
			opt:  Options{DefaultPath: "/debug/pprof/heap"},
			want: []string{"returned an HTML page, not a profile (a login page"},
		},
		{
			name:    "empty",
			handler: func(w http.ResponseWriter, r *http.Request) {},
			path:    "/debug/pprof/heap",
			want:    []string{"returned an empty body, not a profile"},
		},
		{
			name:    "slow answer",
			handler: stall,
			path:    "/debug/pprof/heap",
			opt:     Options{Timeout: 500 * time.Millisecond},
			want:    []string{"/debug/pprof/heap: no answer within 500ms"},
		},
		{
			name: "slow body",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Write(prof[:10])
				w.(http.Flusher).Flush()
				stall(w, r)
			},
			path: "/debug/pprof/heap",
			opt:  Options{Timeout: 500 * time.Millisecond},
			want: []string{"the profile did not arrive within 500ms (10 bytes received)"},
		},
		{
			name: "cut with length",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", fmt.Sprint(len(prof)))
				w.Write(prof[:len(prof)/2])
			},
			path: "/debug/pprof/heap",
			want: []string{fmt.Sprintf("the connection closed after %d bytes, before the end of the profile", len(prof)/2)},
		},
		{
			name: "cut without length",
			handler: func(w http.ResponseWriter, r *http.Request) {
				conn, buf, err := w.(http.Hijacker).Hijack()
				if err != nil {
					panic(err)
				}
				defer conn.Close()
				buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n")
				buf.Write(prof[:len(prof)-5])
				buf.Flush()
			},
			path: "/debug/pprof/heap",
			want: []string{"truncated gzip data: the body ends after", "was the connection cut?"},
		},
		{
			name: "too large with length",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", "4096")
				w.Write(bytes.Repeat([]byte("x"), 4096))
			},
			path: "/debug/pprof/heap",
			opt:  Options{MaxBytes: 1024},
			want: []string{"the profile is 4 KiB, more than the 1 KiB limit"},
		},
		{
			name: "too large streamed",
			handler: func(w http.ResponseWriter, r *http.Request) {
				for range 8 {
					w.Write(bytes.Repeat([]byte("x"), 512))
					w.(http.Flusher).Flush()
				}
			},
			path: "/debug/pprof/heap",
			opt:  Options{MaxBytes: 1024},
			want: []string{"the profile is larger than the 1 KiB limit"},
		},
		{
			name: "redirect loop",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, r.URL.Path, http.StatusFound)
			},
			path: "/debug/pprof/heap",
			want: []string{"more than 3 redirects"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := serve(t, tc.handler)
			_, _, err := Open(ctx, s.URL+tc.path, tc.opt)
			wantInputError(t, err, s.URL+tc.path, tc.want...)
		})
	}
}

func TestRedirects(t *testing.T) {
	prof := heapProfile(t)
	var hops []string
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		hops = append(hops, r.URL.Path)
		var n int
		if _, err := fmt.Sscanf(r.URL.Path, "/hop/%d", &n); err == nil && n > 0 {
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusTemporaryRedirect)
			return
		}
		w.Write(prof)
	})
	if _, _, err := Open(t.Context(), s.URL+"/hop/3", Options{}); err != nil {
		t.Fatalf("3 redirects: %v", err)
	}
	if len(hops) != 4 {
		t.Errorf("hops %v", hops)
	}
	_, _, err := Open(t.Context(), s.URL+"/hop/4", Options{})
	wantInputError(t, err, s.URL+"/hop/4", "more than 3 redirects")
}

func TestRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	url := "http://" + addr
	_, _, err = Open(t.Context(), url, Options{DefaultPath: "/debug/pprof/heap"})
	wantInputError(t, err, url+"/debug/pprof/heap", "connection refused (is the program running and serving net/http/pprof at "+addr+"?)")
}

func TestSecondsLengthenTimeout(t *testing.T) {
	prof := heapProfile(t)
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(300 * time.Millisecond)
		w.Write(prof)
	})
	opt := Options{Timeout: 100 * time.Millisecond}
	_, _, err := Open(t.Context(), s.URL+"/debug/pprof/heap", opt)
	wantInputError(t, err, s.URL+"/debug/pprof/heap", "no answer within 100ms")
	opt.Seconds = 1
	if _, _, err := Open(t.Context(), s.URL+"/debug/pprof/heap", opt); err != nil {
		t.Errorf("seconds=1: %v", err)
	}
	opt.Seconds = 0
	if _, _, err := Open(t.Context(), s.URL+"/debug/pprof/heap?seconds=1", opt); err != nil {
		t.Errorf("seconds=1 in the URL: %v", err)
	}
	opt.Seconds = -1
	_, _, err = Open(t.Context(), s.URL+"/debug/pprof/heap", opt)
	wantInputError(t, err, s.URL+"/debug/pprof/heap", "negative seconds")
}

func TestCancel(t *testing.T) {
	s := serve(t, func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, _, err := Open(ctx, s.URL+"/debug/pprof/heap", Options{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v, want context.Canceled", err)
	}
	wantInputError(t, err, s.URL+"/debug/pprof/heap", "context canceled")
}

// The secrets of the secret tests: a URL's password and user name, a token
// in its query, and the Authorization header.
const (
	secretUser  = "alice-the-user"
	secretPass  = "hunter2-pass"
	secretToken = "tok-0123456789abcdef"
	secretAuth  = "Bearer sk-live-deadbeef0123"
)

// noSecrets fails if err, or any error it wraps, shows a secret.
func noSecrets(t *testing.T, err error, secrets ...string) {
	t.Helper()
	if len(secrets) == 0 {
		secrets = []string{secretUser, secretPass, secretToken, secretAuth, strings.Fields(secretAuth)[1]}
	}
	for e := err; e != nil; e = errors.Unwrap(e) {
		for _, text := range []string{e.Error(), fmt.Sprintf("%+v", e), fmt.Sprintf("%#v", e)} {
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("error shows secret %q: %s", s, text)
				}
			}
		}
	}
}

func TestSecrets(t *testing.T) {
	prof := heapProfile(t)
	ctx := t.Context()
	header := http.Header{"Authorization": {secretAuth}}
	var gotAuth, gotToken string
	// The server checks the credentials, and its error pages echo the
	// request back, as debugging proxies do.
	s := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotToken = r.Header.Get("Authorization"), r.URL.Query().Get("token")
		if r.URL.Path == "/echo" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, "denied %s for %s %s\n", r.URL, r.Header.Get("Authorization"), r.URL.User)
			return
		}
		w.Write(prof)
	})
	host := strings.TrimPrefix(s.URL, "http://")
	withSecrets := func(path string) string {
		return "http://" + secretUser + ":" + secretPass + "@" + host + path + "?token=" + secretToken
	}

	// The header is sent, and wins over the URL's credentials.
	_, src, err := Open(ctx, withSecrets("/debug/pprof/heap"), Options{Header: header})
	if err != nil {
		t.Fatal(err)
	}
	if gotAuth != secretAuth || gotToken != secretToken {
		t.Errorf("server got Authorization %q, token %q", gotAuth, gotToken)
	}
	if src.Name != s.URL+"/debug/pprof/heap" {
		t.Errorf("Source.Name = %q", src.Name)
	}
	// Without the header, the URL's credentials are sent as basic auth.
	if _, _, err := Open(ctx, withSecrets("/debug/pprof/heap"), Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(gotAuth, "Basic ") {
		t.Errorf("server got Authorization %q, want basic auth", gotAuth)
	}

	// Every kind of error leaves them out.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	refused := l.Addr().String()
	l.Close()
	for _, raw := range []string{
		withSecrets("/echo"),
		withSecrets("/echo") + "#" + secretToken,
		"http://" + secretUser + ":" + secretPass + "@" + refused + "/x?token=" + secretToken,
		"http://" + secretUser + ":" + secretPass + "@" + host + "/%zz?token=" + secretToken,
		"http://" + secretUser + ":" + secretPass + "@" + host + ":badport/?token=" + secretToken,
		"http://" + secretUser + ":" + secretPass + "@no-such-host.invalid/?token=" + secretToken,
	} {
		_, src, err := Open(ctx, raw, Options{Header: header, Timeout: 5 * time.Second})
		if err == nil {
			t.Errorf("Open(%s) did not fail", raw)
			continue
		}
		t.Logf("%v", err)
		noSecrets(t, err)
		if name := Redact(raw); strings.Contains(name, secretPass) || strings.Contains(name, secretToken) || src.Name != name && src.Name != "" {
			t.Errorf("Redact(%s) = %q, Source.Name %q", raw, name, src.Name)
		}
	}
	_, _, err = Open(ctx, withSecrets("/echo"), Options{Header: header})
	wantInputError(t, err, s.URL+"/echo", "HTTP 401 Unauthorized: denied /echo?token=*** for ***")
}

// A redirect to another host does not take the Authorization header along.
func TestRedirectDropsAuthorization(t *testing.T) {
	prof := heapProfile(t)
	var gotAuth string
	other := serve(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		w.Write(prof)
	})
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(other.URL, "http://"))
	first := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://localhost:"+port+"/debug/pprof/heap", http.StatusFound)
	})
	_, _, err := Open(t.Context(), first.URL+"/debug/pprof/heap", Options{Header: http.Header{"Authorization": {secretAuth}}})
	if err != nil {
		t.Skipf("localhost does not reach 127.0.0.1 here: %v", err)
	}
	if gotAuth != "" {
		t.Errorf("the other host got Authorization %q", gotAuth)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"http://127.0.0.1:6060/debug/pprof/heap":            "http://127.0.0.1:6060/debug/pprof/heap",
		"https://u:p@h.example:443/a/b?token=x&seconds=3#f": "https://h.example:443/a/b",
		"http://u@h/":                            "http://h/",
		"http://u:p@h:bad/x?t=1":                 "http://h:bad/x",
		"u:p@h:80/x?t=1":                         "h:80/x",
		"profiles/heap.pb.gz":                    "profiles/heap.pb.gz",
		"-":                                      "-",
		"http://[::1]:6060/debug/pprof/heap?x=y": "http://[::1]:6060/debug/pprof/heap",
		"http://h/a%2Fb?x":                       "http://h/a%2Fb",
		"http://user:pa ss@h/x?tok=1":            "http://h/x",
		"ftp://me:ftpsecret@example.com/heap?key=ftpkey": "ftp://example.com/heap",
		"HTTP://H:1/x":      "http://H:1/x",
		"http://h/p@th/x":   "http://h/p@th/x",
		"http://u:p@h/p@th": "http://h/p@th",
		"http://" + secretUser + ":" + secretPass + "@h:1/?t=" + "zz": "http://h:1/",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "heap.pb.gz")
	for _, data := range [][]byte{[]byte("first"), []byte("second, longer")} {
		if err := Save(name, data); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read back %q, %v; want %q", got, err, data)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("Save left files behind: %v", entries)
	}
	if fi, err := os.Stat(name); err != nil || fi.Mode().Perm()&0o044 == 0 && runtime.GOOS != "windows" {
		t.Errorf("saved file mode %v, %v", fi.Mode(), err)
	}
	bad := filepath.Join(dir, "no", "such", "dir", "heap.pb.gz")
	err := Save(bad, []byte("x"))
	wantInputError(t, err, bad, bad+": cannot write: no such file or directory")
}

// firstLine must not return text that would break a one-line message.
func TestFirstLine(t *testing.T) {
	for in, want := range map[string]string{
		"":                         "",
		"\n\n  hello \r\nworld":    "hello",
		"a\tb\x1bc":                "a b c",
		"\x00binary":               "",
		"caf\xc3":                  "caf",
		strings.Repeat("é", 150):   strings.Repeat("é", 100) + "...",
		"  \n\t\n":                 "",
		"line\u2028still the line": "line\u2028still the line",
	} {
		if got := firstLine([]byte(in)); got != want {
			t.Errorf("firstLine(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSecondsFlag: a URL's own seconds=N stands unless -seconds is given.
// Seen as a new user: mapscope trace '.../debug/pprof/trace?seconds=2'
// traced for the -seconds default of 5.
func TestSecondsFlag(t *testing.T) {
	for _, tc := range []struct {
		args []string
		src  string
		want int
	}{
		{nil, "http://127.0.0.1:6060/debug/pprof/trace?seconds=2", 2},
		{nil, "http://127.0.0.1:6060", 5},
		{nil, "http://127.0.0.1:6060/debug/pprof/profile?seconds=0", 5},
		{nil, "http://127.0.0.1:6060/debug/pprof/profile?seconds=x", 5},
		{nil, "profile?seconds=2", 5}, // a file name
		{[]string{"-seconds", "7"}, "http://127.0.0.1:6060/debug/pprof/trace?seconds=2", 7},
		{[]string{"-seconds", "0"}, "http://127.0.0.1:6060/debug/pprof/trace?seconds=2", 0},
	} {
		set := flag.NewFlagSet("t", flag.ContinueOnError)
		set.Int("seconds", 5, "")
		if err := set.Parse(tc.args); err != nil {
			t.Fatal(err)
		}
		if got := SecondsFlag(set, "seconds", tc.src); got != tc.want {
			t.Errorf("%v %s: %d seconds, want %d", tc.args, tc.src, got, tc.want)
		}
	}
}
