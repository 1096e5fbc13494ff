package lab

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

//go:embed child/*.go
var childSource embed.FS

// childGoMod makes the child its own module. "go 1.21" lets every
// toolchain the lab supports build it, and names no toolchain, so the go
// command never switches to another one on its own.
const childGoMod = "module mapscopelab\n\ngo 1.21\n"

// MinGo is the oldest Go minor version the child builds with: it uses
// clear and maps.Clone.
const MinGo = 21

// buildTimeout bounds fetching a toolchain and building the child with it.
// A first build with a new toolchain compiles the standard library too.
const buildTimeout = 10 * time.Minute

// ErrNoGo reports that there is no go command to build the child with.
var ErrNoGo = errors.New("no go command found on PATH: the lab builds its experiments with the go command")

// A ToolchainError reports a toolchain that could not be fetched or run.
type ToolchainError struct {
	Toolchain string // as requested, e.g. go1.23.12
	Err       error
}

func (e *ToolchainError) Error() string {
	return fmt.Sprintf("toolchain %s unavailable: %v", e.Toolchain, e.Err)
}

func (e *ToolchainError) Unwrap() error { return e.Err }

var toolchainName = regexp.MustCompile(`^go1\.(\d+)(\.\d+)?((rc|beta)\d+)?$`)

// ParseToolchain checks a toolchain name as -go takes it ("go1.23.12",
// "1.23.12" or "local" for the go command's own) and returns it in the
// form GOTOOLCHAIN takes, with "" for the go command's own.
func ParseToolchain(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("empty toolchain name")
	}
	if s == "local" {
		return "", nil
	}
	if !strings.HasPrefix(s, "go") {
		s = "go" + s
	}
	m := toolchainName.FindStringSubmatch(s)
	if m == nil {
		return "", fmt.Errorf("%q is not a Go toolchain name like go1.23.12", s)
	}
	if minor, err := strconv.Atoi(m[1]); err != nil || minor < MinGo {
		return "", fmt.Errorf("%s is too old: the lab needs Go 1.%d or later", s, MinGo)
	}
	return s, nil
}

// A toolchain is a Go toolchain the lab has built its child with.
type toolchain struct {
	name    string // as requested; "" for the go command's own
	version string // as the toolchain reports it, e.g. go1.23.12
	child   string // the built child program
}

// goCommand returns the go command on PATH.
func goCommand() (string, error) {
	p, err := exec.LookPath("go")
	if err != nil {
		return "", ErrNoGo
	}
	return p, nil
}

// buildEnv is the environment of the go command building the child: the
// caller's, less what would change the build (a workspace, GOFLAGS such as
// -race, a cross-compilation target, cgo, experiments, a GOROOT of another
// toolchain), with the toolchain pinned when one is asked for.
func buildEnv(name string) []string {
	var env []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		switch key {
		case "GOFLAGS", "GOWORK", "GOOS", "GOARCH", "CGO_ENABLED", "GOEXPERIMENT", "GOROOT", "GO111MODULE":
			continue
		case "GOTOOLCHAIN":
			if name != "" {
				continue
			}
		}
		env = append(env, kv)
	}
	env = append(env, "GOFLAGS=", "GOWORK=off", "CGO_ENABLED=0", "GO111MODULE=on")
	if name != "" {
		env = append(env, "GOTOOLCHAIN="+name)
	}
	return env
}

// prepare fetches the toolchain named name (through the go command) and
// builds the child with it in dir.
func prepare(ctx context.Context, gocmd, name, dir string) (*toolchain, error) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	env := buildEnv(name)
	display := name
	if display == "" {
		display = "local"
	}

	// go env GOVERSION, run outside any module, fetches the toolchain.
	cmd := exec.CommandContext(ctx, gocmd, "env", "GOVERSION")
	cmd.Dir, cmd.Env = dir, env
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	out, err := cmd.Output()
	if err != nil {
		if ctx.Err() != nil {
			return nil, &ToolchainError{display, fmt.Errorf("timed out after %v", buildTimeout)}
		}
		return nil, &ToolchainError{display, errors.New(goError(errBuf.String(), err.Error()))}
	}
	version := strings.TrimSpace(string(out))
	if !strings.HasPrefix(version, "go") {
		return nil, &ToolchainError{display, fmt.Errorf("go env GOVERSION printed %q", version)}
	}
	if m := toolchainName.FindStringSubmatch(version); m != nil {
		if minor, _ := strconv.Atoi(m[1]); minor < MinGo {
			return nil, &ToolchainError{display, fmt.Errorf("%s is too old: the lab needs Go 1.%d or later", version, MinGo)}
		}
	}

	src := filepath.Join(dir, "src-"+version)
	if err := writeChildSource(src); err != nil {
		return nil, err
	}
	child := filepath.Join(dir, "child-"+version)
	build := exec.CommandContext(ctx, gocmd, "build", "-o", child, ".")
	build.Dir, build.Env = src, env
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the lab's child with %s: %v\n%s", version, err, tail(out))
	}
	return &toolchain{name: name, version: version, child: child}, nil
}

// writeChildSource writes the embedded child program and its go.mod to dir.
func writeChildSource(dir string) error {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(childGoMod), 0o666); err != nil {
		return err
	}
	return fs.WalkDir(childSource, "child", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := childSource.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, d.Name()), data, 0o666)
	})
}

// goError returns what the go command said went wrong, on one line,
// without its progress lines ("go: downloading go1.23.12 ..."), or def.
func goError(stderr, def string) string {
	var parts []string
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "go: downloading ") {
			continue
		}
		parts = append(parts, line)
	}
	if len(parts) == 0 {
		return def
	}
	return strings.Join(parts, " ")
}

// firstLine returns the first non-empty line of s, or def.
func firstLine(s, def string) string {
	for _, line := range strings.Split(s, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return def
}
