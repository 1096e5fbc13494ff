// Package lo reproduces, in its own words, the map helpers of samber/lo
// that got size hints in https://github.com/samber/lo/pull/301 (commit
// 17e921399f52c2a0f805307ad3245295c2a168d5; before/ is the code before the
// change, after/ as changed). Each helper builds its result from empty,
// one insert per element of its input.
package lo

type Entry[K comparable, V any] struct {
	Key   K
	Value V
}

// FromEntries builds a map of key/value pairs.
func FromEntries[K comparable, V any](entries []Entry[K, V]) map[K]V {
	m := map[K]V{} // want mapprealloc "."
	for _, e := range entries {
		m[e.Key] = e.Value
	}
	return m
}

// Invert swaps keys and values; a repeated value keeps the last key.
func Invert[K comparable, V comparable](in map[K]V) map[V]K {
	m := map[V]K{} // want mapprealloc "."
	for k, v := range in {
		m[v] = k
	}
	return m
}

// MapKeys re-keys a map with f.
func MapKeys[K comparable, V any, R comparable](in map[K]V, f func(V, K) R) map[R]V {
	m := map[R]V{} // want mapprealloc "."
	for k, v := range in {
		m[f(v, k)] = v
	}
	return m
}

// MapValues transforms the values of a map with f.
func MapValues[K comparable, V any, R any](in map[K]V, f func(V, K) R) map[K]R {
	m := map[K]R{} // want mapprealloc "."
	for k, v := range in {
		m[k] = f(v, k)
	}
	return m
}
