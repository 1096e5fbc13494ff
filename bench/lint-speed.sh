#!/bin/sh
# lint-speed.sh compares the wall time, CPU time and peak RSS of
# "mapscope lint" with "go vet" (and, with VETTOOL=1, go vet
# -vettool=mapscope-vet) on the same packages, each from a cold build
# cache: GOCACHE is a fresh empty directory for every run, as in a CI job
# without a cache. go vet caches its results, so warm figures would say
# nothing. The module cache is used as it is: download the modules first
# (go mod download) so that no run pays for the network.
#
# Usage: bench/lint-speed.sh DIR PATTERN...
#   DIR is the directory to run in (a module root, or "std" for a scratch
#   module, to lint standard library packages).
# Example:
#   bench/lint-speed.sh std net/http/... encoding/json go/types
#   RUNS=2 bench/lint-speed.sh ~/src/coredns ./...
# Environment:
#   RUNS (default 1) repeats each measurement. The commands are
#     interleaved (go vet, mapscope lint, then mapscope lint, go vet in the
#     next run, ...) so that on a shared machine each sees similar load.
#   VETTOOL=1 also measures go vet -vettool=mapscope-vet (as slow as go
#     vet: it compiles the same dependencies).
#
# Every run prints one line; at the end a Markdown table gives, per
# command, the median wall, CPU (user + system, children included) and
# peak RSS over the runs and their ratios to go vet's medians, and the
# 1-minute load average before each run. Peak RSS is GNU time's %M: the
# largest resident set of any one process of the run (for go vet, the
# largest of the go command, the compilers and the vet tool it starts;
# processes running side by side are not summed).
set -eu

[ $# -ge 2 ] || { echo "usage: bench/lint-speed.sh DIR PATTERN..." >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "lint-speed.sh: needs GNU time as /usr/bin/time (Debian package time)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$1
shift
RUNS=${RUNS:-1}
VETTOOL=${VETTOOL:-0}

work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/mapscope" ./cmd/mapscope && go build -o "$work/mapscope-vet" ./cmd/mapscope-vet)
commit=$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)

if [ "$dir" = std ]; then
	dir=$work/stdmod
	mkdir -p "$dir"
	printf 'module scratch\n\ngo 1.26\n' > "$dir/go.mod"
fi
cd "$dir"

# measure NAME CMD...: one cold run; prints wall, user+sys CPU, peak RSS,
# exit status and lines of output, and appends them to $work/results as
# "NAME<TAB>wall<TAB>cpu<TAB>rssKB<TAB>load".
measure() {
	name=$1
	shift
	cache=$(mktemp -d "$work/gocache.XXXXXX")
	load=$(cut -d' ' -f1 /proc/loadavg)
	set +e
	GOCACHE=$cache /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" > "$work/out" 2> "$work/err"
	status=$?
	set -e
	read -r wall user sys rss <<-EOF
	$(tail -n 1 "$work/time")
	EOF
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
	findings=$(cat "$work/out" "$work/err" | grep -c ': ' || true)
	printf '%-28s wall %7.1f s   cpu %7.1f s   rss %6.0f MB   exit %d   lines %d   load %s\n' \
		"$name" "$wall" "$cpu" "$((rss / 1024))" "$status" "$findings" "$load"
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$wall" "$cpu" "$rss" "$load" >> "$work/results"
	chmod -R u+w "$cache" && rm -rf "$cache"
}

vet() { measure "go vet" go vet "$@"; }
lint() { measure "mapscope lint" "$work/mapscope" lint "$@"; }

echo "# $(go version); $(nproc) cores; mapscope $commit; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# in $(basename "$dir"): $*; load $(cut -d' ' -f1-3 /proc/loadavg)"
: > "$work/results"
i=0
while [ "$i" -lt "$RUNS" ]; do
	if [ $((i % 2)) -eq 0 ]; then
		vet "$@"
		lint "$@"
	else
		lint "$@"
		vet "$@"
	fi
	if [ "$VETTOOL" = 1 ]; then
		measure "go vet -vettool=mapscope-vet" go vet -vettool="$work/mapscope-vet" "$@"
	fi
	i=$((i + 1))
done
echo "# end $(date -u '+%H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg)"

# The table: medians per command, ratios to go vet's medians.
echo
awk -F '\t' '
function median(s,   n, a, i, j, t) {
	n = split(s, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
	return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
}
{
	if (!($1 in runs)) order[++n] = $1
	runs[$1]++
	wall[$1] = wall[$1] " " $2; cpu[$1] = cpu[$1] " " $3
	rss[$1] = rss[$1] " " $4; load[$1] = load[$1] (load[$1] == "" ? "" : ", ") $5
}
END {
	vw = median(wall["go vet"]); vc = median(cpu["go vet"]); vr = median(rss["go vet"])
	print "| command | runs | wall (median) | CPU | peak RSS | wall / go vet | RSS / go vet | load before each run |"
	print "|---|---:|---:|---:|---:|---:|---:|---|"
	for (k = 1; k <= n; k++) {
		c = order[k]; w = median(wall[c]); u = median(cpu[c]); r = median(rss[c])
		printf "| `%s` | %d | %.1f s | %.1f s | %.0f MB | %.2f | %.2f | %s |\n", c, runs[c], w, u, r / 1024, w / vw, r / vr, load[c]
	}
}' "$work/results"
