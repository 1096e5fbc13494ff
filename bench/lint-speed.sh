#!/bin/sh
# lint-speed.sh compares the wall and CPU time of "mapscope lint" with
# "go vet" (and go vet -vettool=mapscope-vet) on the same packages, each
# from a cold build cache: GOCACHE is a fresh empty directory for every
# run, as in a CI job without a cache. go vet caches its results, so warm
# figures would say nothing.
#
# Usage: bench/lint-speed.sh DIR PATTERN...
#   DIR is the directory to run in (a module root, or "std" for a scratch
#   module, to lint standard library packages).
# Example:
#   bench/lint-speed.sh std net/http/... encoding/json go/types
#   bench/lint-speed.sh ~/src/cli ./...
# Environment: RUNS (default 1) repeats each measurement.
set -eu

[ $# -ge 2 ] || { echo "usage: bench/lint-speed.sh DIR PATTERN..." >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
RUNS=${RUNS:-1}

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/mapscope" ./cmd/mapscope && go build -o "$work/mapscope-vet" ./cmd/mapscope-vet)

if [ "$dir" = std ]; then
	dir=$work/stdmod
	mkdir -p "$dir"
	printf 'module scratch\n\ngo 1.26\n' > "$dir/go.mod"
fi
cd "$dir"

# measure NAME CMD...: one cold run; prints wall, user+sys CPU and exit status.
measure() {
	name=$1
	shift
	cache=$(mktemp -d "$work/gocache.XXXXXX")
	set +e
	GOCACHE=$cache /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > "$work/out" 2> "$work/err"
	status=$?
	set -e
	tail -n 1 "$work/time" | { read -r wall user sys; echo "$wall $user $sys"; } > "$work/time.last"
	read -r wall user sys < "$work/time.last"
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
	findings=$(grep -c ': ' "$work/out" "$work/err" | awk -F: '{ n += $NF } END { print n }')
	printf '%-28s wall %7.1f s   cpu %7.1f s   exit %d   lines %d\n' "$name" "$wall" "$cpu" "$status" "$findings"
	chmod -R u+w "$cache" && rm -rf "$cache"
}

echo "# $(go version); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# in $(basename "$dir"): $*"
i=0
while [ "$i" -lt "$RUNS" ]; do
	measure "go vet" go vet "$@"
	measure "mapscope lint" "$work/mapscope" lint "$@"
	measure "go vet -vettool=mapscope-vet" go vet -vettool="$work/mapscope-vet" "$@"
	i=$((i + 1))
done
