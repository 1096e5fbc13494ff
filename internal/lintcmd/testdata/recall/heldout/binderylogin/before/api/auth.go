// Package api serves Bindery's login form with the limiter of package
// auth (see there for the upstream link).
package api

import (
	"net"
	"net/http"

	"recall/heldout/binderylogin/before/auth"
)

type AuthHandler struct {
	limiter *auth.LoginLimiter
	check   func(user, pass string) bool
}

func NewAuthHandler(l *auth.LoginLimiter, check func(user, pass string) bool) *AuthHandler {
	return &AuthHandler{limiter: l, check: check}
}

// Login checks the credentials of a login form post.
func (h *AuthHandler) Login(w http.ResponseWriter, r *http.Request) {
	ip, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		ip = r.RemoteAddr
	}
	if !h.limiter.Allow(ip) {
		http.Error(w, "too many attempts", http.StatusTooManyRequests)
		return
	}
	if !h.check(r.FormValue("username"), r.FormValue("password")) {
		h.limiter.Record(ip)
		http.Error(w, "invalid credentials", http.StatusUnauthorized)
		return
	}
	h.limiter.Reset(ip)
	w.WriteHeader(http.StatusNoContent)
}
