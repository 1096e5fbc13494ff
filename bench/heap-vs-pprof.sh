#!/usr/bin/env bash
# heap-vs-pprof.sh: time "mapscope heap -binary" against "go tool pprof -top"
# on the same large real heap profile (bench/genprofile: 130k samples and
# 62k distinct stacks by default; -n 106000 gives about 656k), and
# compare their peak memory. An existing OUTDIR/heap.pb.gz is reused.
#
#   bench/heap-vs-pprof.sh [OUTDIR] [genprofile flags, e.g. -n 106000]
#
# Needs /usr/bin/time (Debian package time). Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-${TMPDIR:-/tmp}/mapscope-genprofile}
shift || true
mkdir -p "$out"

go build -o "$out/genprofile" ./bench/genprofile
if [ ! -s "$out/heap.pb.gz" ]; then
	"$out/genprofile" -heap "$out/heap.pb.gz" -allocs "$out/allocs.pb.gz" "$@"
fi
go build -o "$out/mapscope" ./cmd/mapscope
# go tool pprof is what an engineer runs; build it once so that the timing
# does not include compiling it.
go tool pprof -h >/dev/null 2>&1 || true

mapscope="$out/mapscope heap -binary $out/genprofile $out/heap.pb.gz"
pprof="go tool pprof -top $out/genprofile $out/heap.pb.gz"

runs=${RUNS:-7}
. bench/measure.sh
echo "profile: $(du -k "$out/heap.pb.gz" | cut -f1) KiB gzip"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $(go version)"
measure "$runs" "mapscope heap -binary" $mapscope
measure "$runs" "go tool pprof -top" $pprof
