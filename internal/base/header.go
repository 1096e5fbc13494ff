package base

import (
	"fmt"
	"net/http"
	"strings"
)

// HeaderFlag is a repeatable -H 'Name: value' flag, as curl spells it, for
// the extra headers of a request to a /debug/pprof endpoint (an
// Authorization, say). Its String never shows the values.
type HeaderFlag struct{ Header http.Header }

func (h *HeaderFlag) String() string {
	if h == nil || len(h.Header) == 0 {
		return ""
	}
	var names []string
	for k := range h.Header {
		names = append(names, k+": ***")
	}
	return strings.Join(names, ", ")
}

func (h *HeaderFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" || strings.ContainsAny(name, " \t") {
		return fmt.Errorf("want 'Name: value', got a header without a name")
	}
	if h.Header == nil {
		h.Header = http.Header{}
	}
	h.Header.Add(name, strings.TrimSpace(value))
	return nil
}
