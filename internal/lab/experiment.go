package lab

import (
	"fmt"
	"strings"
	"time"
)

// Figures are what a child measured, by name: bytes, counts, durations in
// nanoseconds and ratios. Booleans are 0 or 1.
type Figures map[string]float64

// An Experiment checks one claim about Go maps.
type Experiment struct {
	// Name is stable: docs link to it (docs/facts.md#clear-frees) and
	// scripts select experiments by it.
	Name string
	// Claim is the statement as people make it; the verdict says whether
	// it holds.
	Claim string
	// Predicts is what would be observed if the claim held.
	Predicts string
	// Method says what the child does, for docs and -h.
	Method string
	// Rule is the verdict rule in words, with its threshold.
	Rule string

	// needs are the figures the child must report.
	needs []string
	// measure, when set, replaces the default reading of a child run
	// (exit status 0 and JSON figures on stdout), for experiments whose
	// child is expected to die or that leave files to read.
	measure func(r *childRun) (Figures, error)
	// holds is the verdict rule over the figures.
	holds func(f Figures) bool
	// summary is the short "measured" text of the text table.
	summary func(f Figures) string
	// timeout bounds one child run; zero means defaultTimeout.
	timeout time.Duration
	// child is the name the child knows the experiment by; "" means Name.
	// Tests use it to run the child's self-test modes.
	child string
}

// defaultTimeout bounds one child run. The slowest experiment takes about
// 2 s on an idle 2-core machine; a loaded machine can be many times slower.
const defaultTimeout = 2 * time.Minute

// Verdict applies the experiment's rule to figures.
func (e *Experiment) Verdict(f Figures) bool { return e.holds(f) }

// Summary returns the short human text of what f shows.
func (e *Experiment) Summary(f Figures) string { return e.summary(f) }

func (e *Experiment) childName() string {
	if e.child != "" {
		return e.child
	}
	return e.Name
}

// all lists every experiment in the order reports show them: the order of
// the issue that introduced the lab.
var all = []*Experiment{
	deleteAllFrees,
	clearFrees,
	remakeFrees,
	cloneCompacts,
	hintAvoidsGrowth,
	recoverCatchesConcurrentWrites,
	heapProfileShowsMapassign,
	churnSteadyBytes,
	hashMethodCollides,
	smallMapInHandler,
	poolClearKeepsPeak,
	reflectZeroHintPollutes,
	syncMapBytesPerEntry,
	freeOSMemoryAfterRebuild,
}

// Experiments returns every experiment, in report order.
func Experiments() []*Experiment { return append([]*Experiment(nil), all...) }

// Lookup returns the experiment named name, or nil.
func Lookup(name string) *Experiment {
	for _, e := range all {
		if e.Name == name {
			return e
		}
	}
	return nil
}

// Names returns the names of every experiment, in report order.
func Names() []string {
	var names []string
	for _, e := range all {
		names = append(names, e.Name)
	}
	return names
}

// checkFigures reports the first figure of needs that f lacks.
func checkFigures(f Figures, needs []string) error {
	var missing []string
	for _, n := range needs {
		if _, ok := f[n]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("child did not report %s", strings.Join(missing, ", "))
	}
	return nil
}
