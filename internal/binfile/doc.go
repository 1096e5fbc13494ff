// Package binfile reads the evidence a Go executable holds about the
// allocations in a heap profile.
package binfile
