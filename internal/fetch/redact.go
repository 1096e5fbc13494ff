package fetch

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Redact returns what mapscope may show of an input: for a URL, its
// scheme, host and path, without credentials, query or fragment
// (http://127.0.0.1:6060/debug/pprof/heap); for anything else, the text
// with the same parts cut out. Query parameters are dropped whole rather
// than sorted into secret and harmless ones: a token may be called
// anything.
func Redact(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		r := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path, RawPath: u.RawPath}
		return r.String()
	}
	s, _, _ := strings.Cut(raw, "#")
	s, _, _ = strings.Cut(s, "?")
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		scheme, rest = "", s
	}
	host, path, slash := strings.Cut(rest, "/")
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:]
	}
	s = host
	if slash {
		s += "/" + path
	}
	if ok {
		s = scheme + "://" + s
	}
	return s
}

// minSecret is the shortest string scrubbed from messages: shorter ones
// would mangle ordinary text ("1" from gc=1), and no credential is that
// short.
const minSecret = 4

// ownParams are query parameters mapscope itself sets; their values are
// not secrets.
var ownParams = []string{"seconds", "gc", "debug"}

// urlSecrets lists what a URL holds that messages must not show: its
// credentials, query values and fragment, decoded and as written.
func urlSecrets(u *url.URL) []string {
	var s []string
	if u.User != nil {
		s = append(s, u.User.Username(), u.User.String())
		if p, ok := u.User.Password(); ok {
			s = append(s, p)
		}
	}
	for k, vs := range u.Query() {
		if slices.Contains(ownParams, k) {
			continue
		}
		s = append(s, vs...)
	}
	for _, part := range strings.Split(u.RawQuery, "&") {
		k, v, _ := strings.Cut(part, "=")
		if !slices.Contains(ownParams, k) {
			s = append(s, v)
		}
	}
	return append(s, u.Fragment, u.RawFragment)
}

// textSecrets does what urlSecrets does for a URL that does not parse.
func textSecrets(raw string) []string {
	var s []string
	rest, frag, _ := strings.Cut(raw, "#")
	rest, query, _ := strings.Cut(rest, "?")
	s = append(s, frag, query)
	for _, part := range strings.Split(query, "&") {
		_, v, _ := strings.Cut(part, "=")
		s = append(s, v)
	}
	if _, after, ok := strings.Cut(rest, "://"); ok {
		rest = after
	}
	host, _, _ := strings.Cut(rest, "/")
	if i := strings.LastIndex(host, "@"); i >= 0 {
		user := host[:i]
		name, pass, _ := strings.Cut(user, ":")
		s = append(s, user, name, pass)
	}
	return s
}

// headerSecrets lists header values and their parts: "Bearer abc" holds
// "abc", and "Basic dXNlcjpwYXNz" holds "user" and "pass".
func headerSecrets(h http.Header) []string {
	var s []string
	for _, vs := range h {
		for _, v := range vs {
			s = append(s, v)
			fields := strings.Fields(v)
			s = append(s, fields...)
			if len(fields) == 2 && strings.EqualFold(fields[0], "basic") {
				if dec, err := base64.StdEncoding.DecodeString(fields[1]); err == nil {
					user, pass, _ := strings.Cut(string(dec), ":")
					s = append(s, string(dec), user, pass)
				}
			}
		}
	}
	return s
}

// scrub replaces every secret in msg by "***", longest first so that a
// secret containing another is replaced whole.
func scrub(msg string, secrets []string) string {
	secrets = slices.Clone(secrets)
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, s := range secrets {
		if len(s) >= minSecret {
			msg = strings.ReplaceAll(msg, s, "***")
			if esc := url.QueryEscape(s); esc != s {
				msg = strings.ReplaceAll(msg, esc, "***")
			}
		}
	}
	return msg
}

// scrubbed is an error whose message had secrets removed. It wraps the
// original only when the original's message held none, so that no chain
// of Unwrap calls leads back to one.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

func scrubErr(err error, secrets []string) error {
	msg := scrub(err.Error(), secrets)
	if msg == err.Error() {
		return &scrubbed{msg: msg, err: err}
	}
	return &scrubbed{msg: msg}
}
