package heaptest

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/pprof/profile"

	"github.com/mapscope/mapscope/internal/mapruntime/testenv"
)

// BuildSpec says how to build one variant of the corpus.
type BuildSpec struct {
	// Name is the variant's name; when empty it is derived from the Go
	// version and the flags, e.g. go1.26-trimpath.
	Name string
	// Toolchain is the Go toolchain to build with, e.g. go1.23.12, fetched
	// through GOTOOLCHAIN when it is not the go command's own; empty means
	// the go command's own toolchain.
	Toolchain string
	// Trimpath builds with -trimpath.
	Trimpath bool
	// Stripped links with -s -w instead of -w.
	Stripped bool
	// BuildDir, when set, is a directory the source is copied to and built
	// from, so that the absolute file names of a default build do not name
	// the checkout. Its previous contents are removed.
	BuildDir string
	// DropBinary removes the binary once the profiles are written.
	DropBinary bool
	// Env is added to the go command's environment (e.g. GOMODCACHE=...).
	Env []string
	// Stderr, when set, receives the go command's progress output.
	Stderr io.Writer
}

// ToolchainError reports that the requested toolchain could not be run,
// usually because it could not be downloaded.
type ToolchainError struct {
	Toolchain string
	Err       error
}

func (e *ToolchainError) Error() string {
	return fmt.Sprintf("toolchain %s unavailable: %v", e.Toolchain, e.Err)
}

func (e *ToolchainError) Unwrap() error { return e.Err }

// buildTimeout bounds one go build (a first build compiles the standard
// library, and a toolchain download comes before it) and runTimeout one run
// of the corpus, which takes well under a second.
const (
	buildTimeout = 10 * time.Minute
	runTimeout   = time.Minute
)

// BuildVariant builds the corpus in srcDir as spec says into outDir (the
// binary "corpus"), runs it to write heap.pb.gz and allocs.pb.gz there,
// and records a manifest.json. A toolchain that cannot be run is reported
// as a *ToolchainError.
func BuildVariant(ctx context.Context, srcDir, outDir string, spec BuildSpec) (Variant, error) {
	srcHash, err := SrcHash(srcDir)
	if err != nil {
		return Variant{}, err
	}
	toolchain := spec.Toolchain
	if toolchain != "" && !strings.HasPrefix(toolchain, "go") {
		toolchain = "go" + toolchain
	}
	env := testenv.GoEnv(toolchain, spec.Env...)
	goVersion, err := toolchainVersion(ctx, env, spec.Stderr)
	if err != nil {
		return Variant{}, &ToolchainError{Toolchain: displayToolchain(toolchain), Err: err}
	}

	buildDir := srcDir
	if spec.BuildDir != "" {
		if err := copySource(srcDir, spec.BuildDir); err != nil {
			return Variant{}, err
		}
		buildDir = spec.BuildDir
	}
	outDir, err = filepath.Abs(outDir)
	if err != nil {
		return Variant{}, err
	}
	if err := os.MkdirAll(outDir, 0o777); err != nil {
		return Variant{}, err
	}
	ldflags := "-w"
	if spec.Stripped {
		ldflags = "-s -w"
	}
	binary := filepath.Join(outDir, binaryFile)
	args := []string{"build", "-o", binary, "-ldflags=" + ldflags}
	if spec.Trimpath {
		args = append(args, "-trimpath")
	}
	args = append(args, ".")
	bctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(bctx, goCommand(), args...)
	cmd.Dir, cmd.Env = buildDir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		return Variant{}, fmt.Errorf("building corpus with %s: %v\n%s", goVersion, err, out)
	}
	if info, err := buildinfo.ReadFile(binary); err != nil {
		return Variant{}, fmt.Errorf("reading build info of %s: %w", binary, err)
	} else if info.GoVersion != goVersion {
		return Variant{}, fmt.Errorf("corpus binary was built by %s, not %s", info.GoVersion, goVersion)
	}

	heap, allocs := filepath.Join(outDir, heapFile), filepath.Join(outDir, allocsFile)
	rctx, cancel := context.WithTimeout(ctx, runTimeout)
	defer cancel()
	run := exec.CommandContext(rctx, binary, "-heap", heap, "-allocs", allocs)
	run.Dir = outDir
	if out, err := run.CombinedOutput(); err != nil {
		return Variant{}, fmt.Errorf("running %s: %v\n%s", binary, err, out)
	}
	for _, prof := range []string{heap, allocs} {
		if err := ScrubMappingPaths(prof); err != nil {
			return Variant{}, err
		}
	}

	m := Manifest{
		Name:      spec.Name,
		GoVersion: goVersion,
		Trimpath:  spec.Trimpath,
		Stripped:  spec.Stripped,
		Ldflags:   ldflags,
		Binary:    binaryFile,
		SrcHash:   srcHash,
	}
	if m.Name == "" {
		m.Name = VariantName(goVersion, spec.Trimpath, spec.Stripped)
	}
	if spec.DropBinary {
		if err := os.Remove(binary); err != nil {
			return Variant{}, err
		}
		m.Binary, binary = "", ""
	}
	if err := WriteManifest(outDir, m); err != nil {
		return Variant{}, err
	}
	return Variant{
		Name:      m.Name,
		GoVersion: goVersion,
		Dir:       outDir,
		Binary:    binary,
		Heap:      heap,
		Allocs:    allocs,
		Trimpath:  spec.Trimpath,
		Stripped:  spec.Stripped,
	}, nil
}

var goMinor = regexp.MustCompile(`^go1\.\d+`)

// VariantName names a variant directory: go1.26-default, go1.26-trimpath
// or go1.26-stripped.
func VariantName(goVersion string, trimpath, stripped bool) string {
	flavour := "default"
	switch {
	case stripped:
		flavour = "stripped"
	case trimpath:
		flavour = "trimpath"
	}
	minor := goMinor.FindString(goVersion)
	if minor == "" {
		minor = goVersion
	}
	return minor + "-" + flavour
}

// BuildCorpus builds and runs the corpus now into t.TempDir(), with the
// given toolchain ("" for the go command's own) and with or without
// -trimpath, for tests that need a fresh binary and profile. A toolchain
// that cannot be fetched is testenv.Missing.
func BuildCorpus(t testing.TB, toolchain string, trimpath bool) Variant {
	t.Helper()
	v, err := BuildVariant(context.Background(), SrcDir(), t.TempDir(), BuildSpec{
		Toolchain: toolchain,
		Trimpath:  trimpath,
	})
	var te *ToolchainError
	if errors.As(err, &te) {
		testenv.Missing(t, "corpus: %v", err)
	}
	if err != nil {
		t.Fatalf("corpus: %v", err)
	}
	return v
}

func displayToolchain(toolchain string) string {
	if toolchain == "" {
		return "local"
	}
	return toolchain
}

// goCommand is the go command on PATH, or else the one of the toolchain
// that built this code.
func goCommand() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(runtime.GOROOT(), "bin", "go")
}

// toolchainVersion runs the toolchain once (downloading it if needed) and
// returns its version, e.g. go1.23.12.
func toolchainVersion(ctx context.Context, env []string, stderr io.Writer) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, goCommand(), "env", "GOVERSION")
	cmd.Env = env
	cmd.Dir = os.TempDir() // outside any module, so no go.mod picks the toolchain
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	if stderr != nil {
		cmd.Stderr = io.MultiWriter(&errBuf, stderr)
	}
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, strings.TrimSpace(errBuf.String()))
	}
	v := strings.TrimSpace(string(out))
	if !strings.HasPrefix(v, "go") {
		return "", fmt.Errorf("go env GOVERSION printed %q", v)
	}
	return v, nil
}

// copySource replaces dst with a copy of the regular files directly in src.
func copySource(src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o777); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o666); err != nil {
			return err
		}
	}
	return nil
}

// ScrubMappingPaths rewrites the file names of the profile's mappings to
// their base names. runtime/pprof records the absolute path the binary ran
// from, which names the machine that generated the corpus; nothing reads
// it back (profiles are symbolized, and binaries are matched by build ID
// and symbols).
func ScrubMappingPaths(name string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	p, err := profile.ParseData(data)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for _, m := range p.Mapping {
		m.File = filepath.Base(m.File)
	}
	var buf bytes.Buffer
	if err := p.Write(&buf); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.WriteFile(name, buf.Bytes(), 0o644)
}
