// Package view reproduces, in its own words, the remote image cache
// bounded in matcha: https://github.com/floatpane/matcha/pull/532 (issue
// #516; before/ is the code before the fix, after/ as fixed). Every image
// URL of every e-mail viewed stayed in memory, encoded.
package view

import (
	"encoding/base64"
	"io"
	"net/http"
	"sync"
)

var remoteImageCache sync.Map

func fetchAndEncode(url string) string {
	resp, err := http.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return base64.StdEncoding.EncodeToString(b)
}

// RenderRemoteImage returns the image at url, encoded for the terminal.
func RenderRemoteImage(url string) string {
	if v, ok := remoteImageCache.Load(url); ok {
		return v.(string)
	}
	encoded := fetchAndEncode(url)
	remoteImageCache.Store(url, encoded) // want growonly "sync.Map remoteImageCache only grows"
	return encoded
}
