package main

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// The service's parts behave as the demo says: every new client stays in
// the limiter, the page cache stays bounded, searches answer.
func TestServer(t *testing.T) {
	srv := newServer(5000)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	srv.pages.max = 10
	for i := 0; i < 200; i++ {
		req, _ := http.NewRequest("GET", ts.URL+"/product?id="+strconv.Itoa(i%100), nil)
		req.Header.Set("X-Forwarded-For", "10.0.0."+strconv.Itoa(i))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("product %d: %s", i%100, resp.Status)
		}
	}
	if n := len(srv.limiter.clients); n != 200 {
		t.Errorf("limiter holds %d clients, want all 200 it saw (the leak)", n)
	}
	if n := len(srv.pages.pages); n > 10 {
		t.Errorf("page cache holds %d pages, want at most its bound 10", n)
	}
	if n := len(srv.audit.records); n != 200 {
		t.Errorf("audit log holds %d records, want 200", n)
	}
	resp, err := http.Get(ts.URL + "/search?q=ac")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("search: %s", resp.Status)
	}
}
