package main

// The delete of a map declared in another file of the package counts.
func dropDeleted(k string) { delete(deleted, k) }
