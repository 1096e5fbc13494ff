// Command jsoncache is the trend scenario of maps built by
// encoding/json and cached: each document fetched is decoded into a
// map[string]any and kept by its ID, and nothing ever drops one.
package main

import (
	"encoding/json"
	"fmt"
	"strconv"

	"example.com/trend/internal/decoy"
	"example.com/trend/internal/snap"
)

// Over 40 steps the cache keeps 36,000 documents of 12 fields: about
// 21 MB of maps built by the decoder and 10 MB of the strings and numbers
// in them. The cache's own map leaks too, but only about 2 MB: a few
// samples at the default MemProfileRate, too few to call.
const docsPerStep = 900

// A DocCache keeps decoded documents by ID, forever.
type DocCache struct {
	docs map[string]map[string]any
}

func NewDocCache() *DocCache { return &DocCache{docs: make(map[string]map[string]any)} }

// Load decodes a document and caches it.
func (c *DocCache) Load(data []byte) (map[string]any, error) {
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil { // want: leak "doc" "map[string]any"; nonmap-leak
		return nil, err
	}
	id, ok := doc["id"].(string)
	if !ok {
		return nil, fmt.Errorf("document without an id")
	}
	c.docs[id] = doc // want: minor "c.docs" "map[string]map[string]any"
	return doc, nil
}

func main() {
	series := snap.Start()
	decoys := decoy.Start()
	cache := NewDocCache()
	var buf []byte
	n := 0
	series.Run(func(step int) {
		decoys.Step(step)
		for i := 0; i < docsPerStep; i++ {
			n++
			buf = document(buf[:0], n, step)
			if _, err := cache.Load(buf); err != nil {
				panic(err)
			}
		}
	})
}

// document writes the JSON of document n, as a backend would send it.
func document(b []byte, n, step int) []byte {
	b = append(b, `{"id":"doc-`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `","type":"article","title":"Notes on item `...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `","author":"author-`...)
	b = strconv.AppendInt(b, int64(n%97), 10)
	b = append(b, `","lang":"en","region":"eu-west-1","created":`...)
	b = strconv.AppendInt(b, 1700000000+int64(n), 10)
	b = append(b, `,"updated":`...)
	b = strconv.AppendInt(b, 1700000000+int64(n+step), 10)
	b = append(b, `,"views":`...)
	b = strconv.AppendInt(b, int64(n*31%1000), 10)
	b = append(b, `,"score":0.`...)
	b = strconv.AppendInt(b, int64(n%10), 10)
	b = append(b, `,"published":true,"etag":"`...)
	b = strconv.AppendInt(b, int64(n)*2654435761, 16)
	b = append(b, `"}`...)
	return b
}
