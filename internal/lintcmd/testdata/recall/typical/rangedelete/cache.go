// Package rangedelete empties a package-level cache by deleting every key.
package rangedelete

var cache = map[string][]byte{}

func Put(k string, v []byte) { cache[k] = v }

func Flush() {
	for k := range cache { // want mapclear "deleting every key of cache keeps its memory"
		delete(cache, k)
	}
}
