// Command gen regenerates the corpus variants checked in under
// testdata/corpus/out: for each toolchain of -go it builds
// testdata/corpus/src with -ldflags=-w, once as is and once with
// -trimpath (plus, for go1.26, once with -ldflags='-s -w'), runs it, and
// writes <go1.NN>-<default|trimpath|stripped>/{corpus,heap.pb.gz,allocs.pb.gz,manifest.json}.
//
// Run it from the repository root:
//
//	go run ./internal/heap/heaptest/gen
//
// Default builds are made from a copy of the source in
// $TMPDIR/mapscope-corpus/src and with toolchains kept in
// $TMPDIR/mapscope-corpus/gomodcache, so the absolute file names recorded
// in the binaries and profiles do not name the machine's checkout or home.
// Binaries are kept only for the variants named by -binaries, to keep the
// repository small; the other variants have profiles only.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/mapscope/mapscope/internal/heap/heaptest"
)

func main() {
	toolchains := flag.String("go", "go1.23.12,go1.26.8,go1.27.4", "comma-separated `toolchains` to build with")
	strippedFor := flag.String("stripped", "go1.26", "comma-separated Go `minor versions` that also get a -s -w variant")
	binaries := flag.String("binaries", "go1.23-default,go1.26-default,go1.26-trimpath,go1.26-stripped,go1.27-default",
		"comma-separated `variants` whose binary is kept")
	out := flag.String("out", heaptest.OutDir(), "output `directory`")
	flag.Parse()
	if err := generate(*toolchains, *strippedFor, *binaries, *out); err != nil {
		fmt.Fprintln(os.Stderr, "corpus gen:", err)
		os.Exit(1)
	}
}

func generate(toolchains, strippedFor, binaries, out string) error {
	work := filepath.Join(os.TempDir(), "mapscope-corpus")
	keep := set(binaries)
	stripped := set(strippedFor)
	wrote := map[string]bool{}
	for _, tc := range strings.Split(toolchains, ",") {
		tc = strings.TrimSpace(tc)
		if tc == "" {
			continue
		}
		minor := strings.TrimSuffix(heaptest.VariantName(tc, false, false), "-default")
		for _, flavour := range []struct{ trimpath, stripped bool }{{false, false}, {true, false}, {false, true}} {
			if flavour.stripped && !stripped[minor] {
				continue
			}
			name := heaptest.VariantName(tc, flavour.trimpath, flavour.stripped)
			spec := heaptest.BuildSpec{
				Name:       name,
				Toolchain:  tc,
				Trimpath:   flavour.trimpath,
				Stripped:   flavour.stripped,
				DropBinary: !keep[name],
				Env:        []string{"GOMODCACHE=" + filepath.Join(work, "gomodcache")},
				Stderr:     os.Stderr,
			}
			if !flavour.trimpath {
				spec.BuildDir = filepath.Join(work, "src")
			}
			dir := filepath.Join(out, name)
			if err := os.RemoveAll(dir); err != nil {
				return err
			}
			v, err := heaptest.BuildVariant(context.Background(), heaptest.SrcDir(), dir, spec)
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			wrote[name] = true
			fmt.Printf("%-18s %s binary=%v\n", v.Name, v.GoVersion, v.Binary != "")
		}
	}
	// Remove variants of toolchains no longer generated, so Variants does
	// not return stale ones.
	dirs, err := filepath.Glob(filepath.Join(out, "*"))
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if fi, err := os.Stat(d); err == nil && fi.IsDir() && !wrote[filepath.Base(d)] {
			fmt.Println("removing stale", filepath.Base(d))
			if err := os.RemoveAll(d); err != nil {
				return err
			}
		}
	}
	return nil
}

func set(list string) map[string]bool {
	s := map[string]bool{}
	for _, x := range strings.Split(list, ",") {
		if x = strings.TrimSpace(x); x != "" {
			s[x] = true
		}
	}
	return s
}
