#!/usr/bin/env bash
# trend.sh times "mapscope trend -binary" on a series of 1,000 snapshots
# of a real heap profile with about 4,000 samples (bench/genprofile's
# program, reshaped over time by bench/trendseries), and reports its wall
# time and peak RSS. Target (issue 8): at most 15 s and 250 MB on the
# 2-core CI machine.
#
#   bench/trend.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-${TMPDIR:-/tmp}/mapscope-trend-bench}
mkdir -p "$out"

go build -o "$out/mapscope" ./cmd/mapscope
go build -o "$out/genprofile" ./bench/genprofile
go build -o "$out/trendseries" ./bench/trendseries
"$out/genprofile" -heap "$out/heap.pb.gz" -n 520 -depth 3 -keep 1 >/dev/null
rm -rf "$out/series"
"$out/trendseries" -in "$out/heap.pb.gz" -n 1000 -out "$out/series"
samples=$(go tool pprof -raw "$out/heap.pb.gz" 2>/dev/null | grep -c '^ *[0-9]* [0-9]* [0-9]* [0-9]*:' || true)
echo "series: 1000 snapshots of $out/heap.pb.gz ($(du -sh "$out/series" | cut -f1) on disk)"

for i in 1 2 3; do
	/usr/bin/time -f "mapscope trend -binary: %e s wall, %U s user, %M KiB peak RSS" \
		"$out/mapscope" trend -binary "$out/genprofile" "$out/series" >"$out/trend.txt"
done
head -12 "$out/trend.txt"
