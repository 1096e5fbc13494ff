#!/usr/bin/env bash
# heap-vs-pprof.sh: time "mapscope heap -binary" against "go tool pprof -top"
# on the same large real heap profile (bench/genprofile: 130k samples,
# 62k distinct stacks), and compare their peak memory.
#
#   bench/heap-vs-pprof.sh [OUTDIR]
#
# Needs hyperfine (Debian package) for the timings; /usr/bin/time (package
# time) for peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-${TMPDIR:-/tmp}/mapscope-genprofile}
mkdir -p "$out"

go build -o "$out/genprofile" ./bench/genprofile
"$out/genprofile" -heap "$out/heap.pb.gz" -allocs "$out/allocs.pb.gz"
go build -o "$out/mapscope" ./cmd/mapscope
# go tool pprof is what an engineer runs; build it once so that the timing
# does not include compiling it.
go tool pprof -h >/dev/null 2>&1 || true

mapscope="$out/mapscope heap -binary $out/genprofile $out/heap.pb.gz"
pprof="go tool pprof -top $out/genprofile $out/heap.pb.gz"

echo "profile: $(du -k "$out/heap.pb.gz" | cut -f1) KiB gzip"
hyperfine -N -w 2 -r 15 "$mapscope" "$pprof"

for cmd in "$mapscope" "$pprof"; do
	/usr/bin/time -f "%M KiB max RSS: $cmd" $cmd >/dev/null 2>"$out/time.txt" || true
	tail -1 "$out/time.txt"
done
