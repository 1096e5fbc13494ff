// Command mapscope-vet runs the mapscope analyzers under go vet:
//
//	go install github.com/mapscope/mapscope/cmd/mapscope-vet@latest
//	go vet -vettool=$(which mapscope-vet) ./...
//
// go vet hands it one package at a time, with the export data and facts of
// the package's dependencies, so its results are cached by the go command
// like any vet run. "mapscope lint" runs the same analyzers in one process
// and is faster from a cold cache; see docs/lint.md.
package main

import (
	"github.com/mapscope/mapscope/suite"
	"golang.org/x/tools/go/analysis/unitchecker"
)

func main() {
	unitchecker.Main(suite.Analyzers...)
}
