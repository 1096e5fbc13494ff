package heaptest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/scanner"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Variant is the corpus built and run once: one toolchain, one set of
// build flags.
type Variant struct {
	Name      string // directory name: go1.26-default, go1.26-trimpath, go1.26-stripped, ...
	GoVersion string // the toolchain that built it: go1.26.8
	Dir       string // absolute directory holding the files below
	Binary    string // absolute path of the binary; empty when it was not kept
	Heap      string // absolute path of heap.pb.gz
	Allocs    string // absolute path of allocs.pb.gz
	Trimpath  bool   // built with -trimpath: file names are example.com/corpus/x.go
	Stripped  bool   // linked with -s -w: no symbol table and no DWARF
}

// Manifest is what the generator records in each variant directory as
// manifest.json.
type Manifest struct {
	Name      string `json:"name"`
	GoVersion string `json:"go_version"`
	Trimpath  bool   `json:"trimpath"`
	Stripped  bool   `json:"stripped"`
	Ldflags   string `json:"ldflags"`
	// Binary is the binary's file name, or empty when it was not kept.
	Binary string `json:"binary,omitempty"`
	// SrcHash is SrcHash of the source the variant was built from.
	SrcHash string `json:"src_hash"`
}

const (
	manifestFile = "manifest.json"
	binaryFile   = "corpus"
	heapFile     = "heap.pb.gz"
	allocsFile   = "allocs.pb.gz"
)

// Variants returns the variants generated into outDir, one per directory
// holding a manifest.json, sorted by name. It checks that the files each
// manifest names exist.
func Variants(outDir string) ([]Variant, error) {
	manifests, err := filepath.Glob(filepath.Join(outDir, "*", manifestFile))
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", outDir, err)
	}
	if len(manifests) == 0 {
		return nil, fmt.Errorf("no corpus variants in %s (run go run ./internal/heap/heaptest/gen)", outDir)
	}
	sort.Strings(manifests)
	var vs []Variant
	for _, path := range manifests {
		m, err := ReadManifest(path)
		if err != nil {
			return nil, err
		}
		dir, err := filepath.Abs(filepath.Dir(path))
		if err != nil {
			return nil, err
		}
		v := Variant{
			Name:      m.Name,
			GoVersion: m.GoVersion,
			Dir:       dir,
			Heap:      filepath.Join(dir, heapFile),
			Allocs:    filepath.Join(dir, allocsFile),
			Trimpath:  m.Trimpath,
			Stripped:  m.Stripped,
		}
		if m.Binary != "" {
			v.Binary = filepath.Join(dir, m.Binary)
		}
		for _, f := range []string{v.Binary, v.Heap, v.Allocs} {
			if f == "" {
				continue
			}
			if _, err := os.Stat(f); err != nil {
				return nil, fmt.Errorf("corpus variant %s: %w", m.Name, err)
			}
		}
		vs = append(vs, v)
	}
	return vs, nil
}

// ReadManifest reads one variant's manifest.json.
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("reading %s: %w", path, err)
	}
	if m.Name == "" || m.GoVersion == "" || m.SrcHash == "" {
		return m, fmt.Errorf("reading %s: name, go_version or src_hash missing", path)
	}
	return m, nil
}

// WriteManifest writes m as dir/manifest.json.
func WriteManifest(dir string, m Manifest) error {
	data, err := json.MarshalIndent(m, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, manifestFile), append(data, '\n'), 0o666)
}

// SrcHash hashes the source under srcDir, so a variant can tell whether
// it was built from the current source: the names of its regular files,
// the contents of files other than Go, and the tokens of Go files with
// their lines. Comments are left out: annotations and prose change
// nothing the compiler sees, so editing them keeps the checked-in
// binaries current, while any change of code or of line numbers does not.
func SrcHash(srcDir string) (string, error) {
	var files []string
	err := filepath.WalkDir(srcDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hashing %s: %w", srcDir, err)
	}
	sort.Strings(files)
	h := sha256.New()
	for _, path := range files {
		rel, err := filepath.Rel(srcDir, path)
		if err != nil {
			return "", err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("hashing %s: %w", srcDir, err)
		}
		fmt.Fprintf(h, "%s\n", filepath.ToSlash(rel))
		if !strings.HasSuffix(path, ".go") {
			fmt.Fprintf(h, "%d\n", len(data))
			h.Write(data)
			continue
		}
		fset := token.NewFileSet()
		var s scanner.Scanner
		s.Init(fset.AddFile(path, -1, len(data)), data, nil, 0) // without scanner.ScanComments
		for {
			pos, tok, lit := s.Scan()
			if tok == token.EOF {
				break
			}
			fmt.Fprintf(h, "%d %s %s\n", fset.Position(pos).Line, tok, lit)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
