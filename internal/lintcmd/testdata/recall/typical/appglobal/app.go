// Package appglobal is part of a service: an exported map of sessions.
package appglobal

import "net/http"

var Sessions = map[string]string{}

func Handle(w http.ResponseWriter, r *http.Request) {
	Sessions[r.Header.Get("X-Session")] = r.RemoteAddr // want growonly "map Sessions only grows"
}
