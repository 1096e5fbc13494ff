package testenv

import (
	"fmt"
	"testing"
)

// recorder is a TB that records how a test would have ended.
type recorder struct{ fatal, skip string }

func (r *recorder) Helper()                           {}
func (r *recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *recorder) Skipf(format string, args ...any)  { r.skip = fmt.Sprintf(format, args...) }

func TestMissingSkipsOrFails(t *testing.T) {
	t.Setenv("MAPSCOPE_CI", "")
	var r recorder
	Missing(&r, "prometheus is not on PATH")
	if r.skip != "prometheus is not on PATH" || r.fatal != "" {
		t.Errorf("outside CI: skip %q, fatal %q; want a skip", r.skip, r.fatal)
	}
	t.Setenv("MAPSCOPE_CI", "1")
	r = recorder{}
	Missing(&r, "prometheus is not on PATH")
	if r.fatal == "" || r.skip != "" {
		t.Errorf("under MAPSCOPE_CI=1: skip %q, fatal %q; want a failure", r.skip, r.fatal)
	}
}

func TestNeedToolMissing(t *testing.T) {
	t.Setenv("MAPSCOPE_CI", "")
	var r recorder
	NeedTool(&r, "mapscope-no-such-tool", "it does not exist")
	if r.skip == "" {
		t.Error("a missing tool did not skip")
	}
}

func TestGoEnvDropsBuildSettings(t *testing.T) {
	t.Setenv("GOFLAGS", "-race")
	t.Setenv("GOARCH", "arm64")
	env := GoEnv("go1.23.12", "X=1")
	for _, kv := range env {
		if kv == "GOFLAGS=-race" || kv == "GOARCH=arm64" {
			t.Errorf("GoEnv kept %s", kv)
		}
	}
	if env[len(env)-1] != "X=1" || env[len(env)-2] != "GOTOOLCHAIN=go1.23.12" {
		t.Errorf("GoEnv ends with %q, want the toolchain and the extra settings", env[len(env)-3:])
	}
}
