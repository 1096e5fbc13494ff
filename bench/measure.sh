# measure.sh is sourced by the bench scripts: measure N LABEL CMD... runs
# CMD N times, its output to /dev/null, and prints one line: the fastest
# and the median wall time, the least CPU time (user + sys) and the
# largest peak RSS. Needs /usr/bin/time (Debian package time) and $out, a
# directory for its scratch files.
measure() {
	local n=$1 label=$2
	shift 2
	local f="$out/times.txt"
	: >"$f"
	for _ in $(seq "$n"); do
		/usr/bin/time -a -o "$f" -f "%e %U %S %M" "$@" >/dev/null 2>"$out/stderr.txt" || {
			echo "$label failed:"
			cat "$out/stderr.txt"
			return 1
		}
	done
	sort -n "$f" | awk -v label="$label" '
		{ wall[NR] = $1; cpu = $2 + $3; if (NR == 1 || cpu < mincpu) mincpu = cpu; if ($4 > rss) rss = $4 }
		END { printf "%-44s  fastest %6.2f s  median %6.2f s  cpu %6.2f s  %5d MiB  (%d runs)\n",
			label, wall[1], wall[int((NR + 1) / 2)], mincpu, rss / 1024, NR }'
}
