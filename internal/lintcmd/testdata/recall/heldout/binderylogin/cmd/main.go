// Command bindery serves the login handlers of binderylogin.
package main

import (
	"net/http"
	"time"

	afterapi "recall/heldout/binderylogin/after/api"
	afterauth "recall/heldout/binderylogin/after/auth"
	beforeapi "recall/heldout/binderylogin/before/api"
	beforeauth "recall/heldout/binderylogin/before/auth"
)

func main() {
	never := func(string, string) bool { return false }
	a := afterapi.NewAuthHandler(afterauth.NewLoginLimiter(5, 15*time.Minute), never)
	b := beforeapi.NewAuthHandler(beforeauth.NewLoginLimiter(5, 15*time.Minute), never)
	http.HandleFunc("/after/login", a.Login)
	http.HandleFunc("/before/login", b.Login)
	http.ListenAndServe(":0", nil)
}
