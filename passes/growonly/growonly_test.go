package growonly_test

import (
	"testing"

	"github.com/mapscope/mapscope/passes/growonly"
	"golang.org/x/tools/go/analysis/analysistest"
)

func Test(t *testing.T) {
	analysistest.Run(t, analysistest.TestData(), growonly.Analyzer, "a", "lib", "user", "app", "batch", "example.com/testutil", "example.com/interop/stress/client", "batchlib", "libserve", "libtaint", "streams", "wrongkey", "ineffective", "ineffectivelib", "abandoned", "paired")
}

// TestAppFlag checks that -app reports, in a library, what package main
// reports by default.
func TestAppFlag(t *testing.T) {
	if err := growonly.Analyzer.Flags.Set("app", "true"); err != nil {
		t.Fatal(err)
	}
	defer growonly.Analyzer.Flags.Set("app", "false")
	analysistest.Run(t, analysistest.TestData(), growonly.Analyzer, "libapp")
}

// TestAppsFlag checks a package that -apps names, as mapscope lint names
// the packages its network services import: long-lived values count as
// in package main, keys only when they came with a request or a client.
func TestAppsFlag(t *testing.T) {
	if err := growonly.Analyzer.Flags.Set("apps", "svcpeer"); err != nil {
		t.Fatal(err)
	}
	defer growonly.Analyzer.Flags.Set("apps", "")
	analysistest.Run(t, analysistest.TestData(), growonly.Analyzer, "svcpeer")
}
