package srcline

import (
	"os"
	"path/filepath"

	"golang.org/x/mod/modfile"
)

// goEnv returns the environment for the go command that loads the module
// at root: the process's own, unless a go.work in a parent directory
// would take over without listing the module. The go command then refuses
// to load it ("directory . is contained in a module that is not one of the
// workspace modules"), which happens to a service checked out inside
// another project's workspace, and to test programs kept in the testdata
// of a repository that has a go.work.
func goEnv(root string) []string {
	work := os.Getenv("GOWORK")
	switch work {
	case "off":
		return nil
	case "":
		work = findGoWork(root)
	}
	if work == "" || workspaceUses(work, root) {
		return nil
	}
	return append(os.Environ(), "GOWORK=off")
}

// findGoWork returns the go.work the go command would find for dir.
func findGoWork(dir string) string {
	for {
		f := filepath.Join(dir, "go.work")
		if fi, err := os.Stat(f); err == nil && !fi.IsDir() {
			return f
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// workspaceUses reports whether the go.work file work lists the module at
// root. A go.work that cannot be read is left to the go command to report.
func workspaceUses(work, root string) bool {
	data, err := os.ReadFile(work)
	if err != nil {
		return true
	}
	wf, err := modfile.ParseWork(work, data, nil)
	if err != nil {
		return true
	}
	for _, u := range wf.Use {
		dir := u.Path
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(filepath.Dir(work), dir)
		}
		if sameDir(dir, root) {
			return true
		}
	}
	return false
}

func sameDir(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}
