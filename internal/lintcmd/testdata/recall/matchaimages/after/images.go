// Package view reproduces, in its own words, the remote image cache
// bounded in matcha: https://github.com/floatpane/matcha/pull/532 (issue
// #516; before/ is the code before the fix, after/ as fixed). Every image
// URL of every e-mail viewed stayed in memory, encoded.
package view

import (
	"container/list"
	"encoding/base64"
	"io"
	"net/http"
	"sync"
)

type imageLRU struct {
	mu    sync.Mutex
	order *list.List
	items map[string]*list.Element
}

var remoteImageCache = &imageLRU{order: list.New(), items: map[string]*list.Element{}}

func (c *imageLRU) get(url string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[url]; ok {
		c.order.MoveToFront(e)
		return e.Value.([2]string)[1], true
	}
	return "", false
}

func (c *imageLRU) add(url, img string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[url] = c.order.PushFront([2]string{url, img})
	for len(c.items) > 20 {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.([2]string)[0])
	}
}

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
	if v, ok := remoteImageCache.get(url); ok {
		return v
	}
	encoded := fetchAndEncode(url)
	remoteImageCache.add(url, encoded)
	return encoded
}
