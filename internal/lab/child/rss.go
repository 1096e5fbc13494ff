package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// rssN is the size of the map whose pages the experiment follows: about
// 75 MB of map[int]int, far above the runtime's own RSS.
const rssN = 2000000

// vmRSS returns the resident set size of this process, from /proc.
func vmRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, fmt.Errorf("reading RSS (needs Linux /proc): %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "VmRSS:") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) < 2 {
			break
		}
		kb, err := strconv.ParseInt(fields[1], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("bad VmRSS line %q", line)
		}
		return kb * 1024, nil
	}
	return 0, fmt.Errorf("no VmRSS in /proc/self/status")
}

// freeOSMemoryAfterRebuild: fill a large map, empty it to 10 entries,
// rebuild those into a new map and drop the old one; then collect and call
// debug.FreeOSMemory, reading VmRSS at each step.
func freeOSMemoryAfterRebuild(string) (figures, error) {
	debug.FreeOSMemory()
	before, err := vmRSS()
	if err != nil {
		return nil, err
	}
	m := make(map[int]int)
	for i := 0; i < rssN; i++ {
		m[i] = i
	}
	for k := range m {
		if k >= 10 {
			delete(m, k)
		}
	}
	peak, err := vmRSS()
	if err != nil {
		return nil, err
	}
	n := make(map[int]int, len(m))
	for k, v := range m {
		n[k] = v
	}
	m = nil
	runtime.GC()
	afterGC, err := vmRSS()
	if err != nil {
		return nil, err
	}
	debug.FreeOSMemory()
	afterFree, err := vmRSS()
	if err != nil {
		return nil, err
	}
	runtime.KeepAlive(n)
	runtime.KeepAlive(m)
	return figures{
		"rss_before_bytes":     float64(before),
		"rss_peak_bytes":       float64(peak),
		"rss_after_gc_bytes":   float64(afterGC),
		"rss_after_free_bytes": float64(afterFree),
	}, nil
}
