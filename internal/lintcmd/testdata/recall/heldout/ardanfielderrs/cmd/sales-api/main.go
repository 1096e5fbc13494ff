// Command sales-api serves the user routes of ardanfielderrs: POST
// /v1/users (before/) and /v1/fixed/users (after/) on SALES_API_ADDR.
package main

import (
	"log"
	"net/http"
	"os"

	afterusergrp "recall/heldout/ardanfielderrs/after/app/handlers/usergrp"
	aftermid "recall/heldout/ardanfielderrs/after/business/web/mid"
	beforeusergrp "recall/heldout/ardanfielderrs/before/app/handlers/usergrp"
	beforemid "recall/heldout/ardanfielderrs/before/business/web/mid"
)

func main() {
	before := &beforeusergrp.Handlers{}
	after := &afterusergrp.Handlers{}
	mux := http.NewServeMux()
	mux.Handle("POST /v1/users", beforemid.Errors(before.Create))
	mux.Handle("POST /v1/fixed/users", aftermid.Errors(after.Create))
	log.Fatal(http.ListenAndServe(os.Getenv("SALES_API_ADDR"), mux))
}
