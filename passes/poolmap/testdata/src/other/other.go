// Package other declares a type with a map that package b pools.
package other

type Table struct{ rows map[int]string }

func (t *Table) Add(k int, v string) { t.rows[k] = v }

// Reset clears the table; only this package can see how.
func (t *Table) Reset() { clear(t.rows) }
