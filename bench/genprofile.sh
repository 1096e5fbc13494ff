#!/usr/bin/env bash
# genprofile.sh builds bench/genprofile, runs it to write a large real heap
# profile (tens of thousands of distinct stacks), and times go tool pprof
# -top on it. The binary and profiles are kept in OUTDIR (default
# $TMPDIR/mapscope-genprofile, i.e. /tmp/mapscope-genprofile) for other
# benchmarks, e.g. timing "mapscope heap" on the same profile.
#
#   bench/genprofile.sh [OUTDIR] [genprofile flags, e.g. -n 65536]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-${TMPDIR:-/tmp}/mapscope-genprofile}
shift || true
mkdir -p "$out"

go build -o "$out/genprofile" ./bench/genprofile
"$out/genprofile" -heap "$out/heap.pb.gz" -allocs "$out/allocs.pb.gz" "$@"

TIMEFORMAT='%R s wall, %U s user'
echo "go tool pprof -top $out/genprofile $out/heap.pb.gz:"
time go tool pprof -top "$out/genprofile" "$out/heap.pb.gz" >"$out/top.txt" 2>&1
echo "go tool pprof -sample_index=alloc_space -top (same profile):"
time go tool pprof -sample_index=alloc_space -top "$out/genprofile" "$out/heap.pb.gz" >"$out/top-alloc.txt" 2>&1
head -8 "$out/top.txt"
