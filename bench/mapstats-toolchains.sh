#!/usr/bin/env bash
# mapstats-toolchains.sh: run the mapstats tests (heap agreement across map
# shapes, exact small maps, size classes, robustness) under every Go release
# mapstats supports, plus GOEXPERIMENT=noswissmap builds of Go 1.24 and 1.25,
# the GOEXPERIMENT=mapsplitgroup group layout of Go 1.27 and the
# GOEXPERIMENT=nosynchashtriemap sync.Map of Go 1.24 (which mapstats
# declines to read: its sync.Map tests check the ErrUnsupported and skip),
# and print one line per run: toolchain, result, worst deviation of
# Of(m).Bytes from the measured heap growth, shapes checked, seconds.
#
# Toolchains come through the Go module proxy (GOTOOLCHAIN). A toolchain
# that cannot be downloaded is reported as SKIP, or fails the script when
# MAPSCOPE_CI=1.
#
# Usage: bench/mapstats-toolchains.sh [extra go test flags, e.g. -race]
set -u

cd "$(dirname "$0")/../mapstats" || exit 2
# The module alone, as its users build it, not through the go.work of the
# repository.
export GOWORK=off

# Newest patch releases on the proxy when this script was written.
runs=(
	"go1.24.13"
	"go1.24.13 noswissmap"
	"go1.24.13 nosynchashtriemap"
	"go1.25.14"
	"go1.25.14 noswissmap"
	"go1.26.11"
	"go1.27.4"
	"go1.27.4 mapsplitgroup"
)

log=$(mktemp)
trap 'rm -f "$log"' EXIT
failed=0
start_all=$(date +%s)
printf '%-42s %-6s %-14s %-7s %s\n' "toolchain" "result" "worst dev." "shapes" "seconds"
for run in "${runs[@]}"; do
	read -r tc exp <<<"$run"
	label="$tc${exp:+ GOEXPERIMENT=$exp}"
	if ! GOTOOLCHAIN=$tc go version >/dev/null 2>&1; then
		if [ "${MAPSCOPE_CI:-}" = 1 ]; then
			printf '%-42s %-6s toolchain not available\n' "$label" FAIL
			failed=1
		else
			printf '%-42s %-6s toolchain not available\n' "$label" SKIP
		fi
		continue
	fi
	t0=$(date +%s)
	GOTOOLCHAIN=$tc GOEXPERIMENT=${exp:-} go vet ./... >"$log" 2>&1 &&
		GOTOOLCHAIN=$tc GOEXPERIMENT=${exp:-} go test -count=1 -v "$@" ./... >>"$log" 2>&1
	rc=$?
	t1=$(date +%s)
	# Heap-agreement lines look like: "heap growth 768000 B, Of 768000 B (+0.000%)".
	worst=$(grep -o 'heap growth [0-9]* B, Of [0-9]* B ([-+][0-9.]*%)' "$log" |
		sed 's/.*(\(.*\)%)/\1/' |
		awk 'BEGIN{w=0} {v=$1<0?-$1:$1; if(v>w)w=v} END{printf "%.3f%%", w}')
	shapes=$(grep -c 'heap growth [0-9]* B, Of' "$log")
	if [ $rc -eq 0 ]; then result=ok; else result=FAIL; failed=1; fi
	printf '%-42s %-6s %-14s %-7s %s\n' "$label" "$result" "$worst" "$shapes" "$((t1 - t0))"
	if [ $rc -ne 0 ]; then
		grep -E -e '--- FAIL|_test.go:[0-9]+:|^(FAIL|panic)' "$log" | grep -v 'heap growth' | head -40
	fi
done
echo "total: $(( $(date +%s) - start_all ))s"
exit $failed
