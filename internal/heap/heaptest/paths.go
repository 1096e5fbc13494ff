package heaptest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// SrcDir returns the absolute path of testdata/corpus/src.
func SrcDir() string { return filepath.Join(repoRoot(), "testdata", "corpus", "src") }

// OutDir returns the absolute path of testdata/corpus/out, where the
// generated variants are checked in.
func OutDir() string { return filepath.Join(repoRoot(), "testdata", "corpus", "out") }

// TrendDir returns the absolute path of testdata/trend, the module of the
// trend scenarios.
func TrendDir() string { return filepath.Join(repoRoot(), "testdata", "trend") }

// repoRoot finds the repository from this file's compile-time path, so that
// tests of any package (whose working directory is their own) find the
// corpus. A -trimpath build has no absolute path; it falls back to the
// nearest parent of the working directory holding the mapscope go.mod.
func repoRoot() string {
	if _, file, _, ok := runtime.Caller(0); ok && filepath.IsAbs(file) {
		root := filepath.Dir(filepath.Dir(filepath.Dir(filepath.Dir(file)))) // internal/heap/heaptest/paths.go
		if isRepoRoot(root) {
			return root
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for {
		if isRepoRoot(dir) {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "."
		}
		dir = parent
	}
}

func isRepoRoot(dir string) bool {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	return err == nil && strings.Contains(string(data), "module github.com/mapscope/mapscope\n")
}
