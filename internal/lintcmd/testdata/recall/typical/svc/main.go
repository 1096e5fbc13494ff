// Command svc is a service built from the app packages below.
package main

import (
	"net/http"

	"recall/typical/appfield"
	"recall/typical/appglobal"
)

func main() {
	http.HandleFunc("/", appglobal.Handle)
	_ = appfield.New()
	http.ListenAndServe(":8080", nil)
}
