// Command publish writes the modules of this repository, as they are in
// the working tree, into a file-based module proxy: what tagging a release
// (docs/release.md) makes the Go module proxy serve. scripts/adopt-check
// uses it to check that users outside the repository can go get each
// library alone and go install the commands.
//
//	go run ./internal/tools/publish -version v0.2.0 -out DIR
//
// It prints each module's zip size and fails when the root module's zip is
// larger than -max-root (2 MB): every go get of a library downloads it.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// modules are the repository's published modules, by directory.
var modules = []string{".", "internal/mapruntime", "mapstats", "mapwatch", "maptest", "golangci"}

func main() {
	version := flag.String("version", "v0.2.0", "the `version` to publish every module at")
	out := flag.String("out", "", "the `directory` of the file proxy (GOPROXY=file://DIR)")
	root := flag.String("root", ".", "the repository's root `directory`")
	maxRoot := flag.Int64("max-root", 2<<20, "the most `bytes` the root module's zip may take")
	flag.Parse()
	if *out == "" {
		log.Fatal("publish: -out DIR is required")
	}
	for _, dir := range modules {
		size, err := publish(filepath.Join(*root, dir), *version, *out)
		if err != nil {
			log.Fatalf("publish: %s: %v", dir, err)
		}
		if dir == "." && size > *maxRoot {
			log.Fatalf("publish: the root module's zip is %d bytes, more than %d: something large is in it (run with -list)", size, *maxRoot)
		}
	}
}

// publish writes dir's module at version into the proxy and returns the
// size of its zip.
func publish(dir, version, proxy string) (int64, error) {
	data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		return 0, err
	}
	path := modfile.ModulePath(data)
	if path == "" {
		return 0, fmt.Errorf("no module line in %s/go.mod", dir)
	}
	mv := module.Version{Path: path, Version: version}
	esc, err := module.EscapePath(path)
	if err != nil {
		return 0, err
	}
	vdir := filepath.Join(proxy, esc, "@v")
	if err := os.MkdirAll(vdir, 0o777); err != nil {
		return 0, err
	}
	zf, err := os.Create(filepath.Join(vdir, version+".zip"))
	if err != nil {
		return 0, err
	}
	if err := zip.CreateFromDir(zf, mv, dir); err != nil {
		zf.Close()
		return 0, err
	}
	if err := zf.Close(); err != nil {
		return 0, err
	}
	fi, err := os.Stat(zf.Name())
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(vdir, version+".mod"), data, 0o666); err != nil {
		return 0, err
	}
	info := fmt.Sprintf("{\"Version\":%q,\"Time\":%q}\n", version, time.Now().UTC().Format(time.RFC3339))
	if err := os.WriteFile(filepath.Join(vdir, version+".info"), []byte(info), 0o666); err != nil {
		return 0, err
	}
	list := filepath.Join(vdir, "list")
	old, _ := os.ReadFile(list)
	if !strings.Contains(string(old), version+"\n") {
		if err := os.WriteFile(list, append(old, version+"\n"...), 0o666); err != nil {
			return 0, err
		}
	}
	fmt.Printf("%-50s %s  zip %d bytes\n", path, version, fi.Size())
	return fi.Size(), nil
}
