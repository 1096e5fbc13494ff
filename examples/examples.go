// Package examples carries the source of the example services, so that
// "mapscope demo" can build and start one wherever mapscope is installed,
// without a checkout of this repository.
package examples

import "embed"

// Catalog is the source of examples/catalog, the service the demo
// watches (its tests left out).
//
//go:embed catalog/main.go catalog/server.go catalog/limit.go catalog/cache.go catalog/catalog.go catalog/search.go catalog/audit.go catalog/load.go
var Catalog embed.FS
