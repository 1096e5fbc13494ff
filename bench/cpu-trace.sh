#!/usr/bin/env bash
# cpu-trace.sh times mapscope cpu and mapscope trace against the tools
# that come with Go, on inputs recorded from bench/cpuload (map work down
# a call tree of sixteen sites; pairs of goroutines passing a token):
#
#   - a large CPU profile (CPU_SECONDS of profiling at 1000 Hz, tens of
#     thousands of distinct stacks): mapscope cpu against go tool pprof
#     -top, run both as "go tool pprof" (what people type) and as the
#     pprof binary the go command caches (without the go command's start);
#   - a trace of about TRACE_MB MB with CPU samples: mapscope trace against
#     go tool trace -d=parsed, the reader go tool trace has built in, and
#     bench/tracecount, which reads every event with golang.org/x/exp/trace
#     and does nothing else (the floor under any tool on that reader).
#
# Each command runs RUNS times (SLOW_RUNS for go tool trace -d=parsed,
# which takes minutes); the script prints the fastest and the median wall
# time, the least CPU time and the largest peak RSS. Results and the
# machine they were measured on: docs/bench/cpu-trace.md.
#
#   bench/cpu-trace.sh [OUTDIR]
#
# Needs /usr/bin/time (Debian package time).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-${TMPDIR:-/tmp}/mapscope-cpu-trace-bench}
runs=${RUNS:-7}
slow_runs=${SLOW_RUNS:-2}
mkdir -p "$out"

go build -o "$out/mapscope" ./cmd/mapscope
go build -o "$out/cpuload" ./bench/cpuload
go build -o "$out/tracecount" ./bench/tracecount
# go tool builds its tools on first use and caches them: build them now,
# and find the binaries, so that no timing includes compiling one.
go tool pprof -h >/dev/null 2>&1 || true
go tool trace -h >/dev/null 2>&1 || true
pprof=$(go tool -n pprof)

if [ ! -s "$out/cpu.pb.gz" ]; then
	"$out/cpuload" -cpu "$out/cpu.pb.gz" -seconds "${CPU_SECONDS:-60}" -hz 1000 -pairs 0 -depth 7 2>&1 | grep -v 'cannot set cpu profile rate'
fi
if [ ! -s "$out/trace.out" ]; then
	"$out/cpuload" -cpu "$out/trace-cpu.pb.gz" -trace "$out/trace.out" -trace-mb "${TRACE_MB:-100}" -seconds 600
fi
stacks=$(go tool pprof -raw "$out/cpu.pb.gz" 2>/dev/null | grep -c '^ *[0-9]* *[0-9]*: ' || true)
echo "CPU profile: $(du -k "$out/cpu.pb.gz" | cut -f1) KiB gzip, $stacks distinct stacks"
echo "trace: $(du -m "$out/trace.out" | cut -f1) MiB, $("$out/tracecount" "$out/trace.out")"
echo "go: $(go version)"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo

. bench/measure.sh

echo "CPU profile:"
measure "$runs" "mapscope cpu" "$out/mapscope" cpu "$out/cpu.pb.gz"
measure "$runs" "go tool pprof -top" go tool pprof -top "$out/cpu.pb.gz"
measure "$runs" "pprof -top (the cached binary)" "$pprof" -top "$out/cpu.pb.gz"
echo
echo "trace:"
measure "$runs" "mapscope trace" "$out/mapscope" trace "$out/trace.out"
measure "$runs" "tracecount (x/exp/trace, reading only)" "$out/tracecount" "$out/trace.out"
measure "$slow_runs" "go tool trace -d=parsed" go tool trace -d=parsed "$out/trace.out"
