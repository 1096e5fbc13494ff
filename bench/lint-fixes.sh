#!/bin/sh
# lint-fixes.sh checks that "mapscope lint -fix" leaves a module that
# builds and whose tests pass as before. It works on two copies of the
# module in a temporary directory and never writes to DIR:
#
#   1. lints the copy "after" (findings before the fix), applies
#      "mapscope lint -fix", and lints again: every fixed finding must be
#      gone, and the findings left must be the ones -fix printed;
#   2. diffs the copies: the edits, the files and the packages touched;
#   3. go build ./... in both copies, go vet on the touched packages in
#      both;
#   4. go test on every touched package in the copy "before" (the
#      baseline: tests that fail there fail without the fix, e.g. because
#      they need the network) and in the copy "after", and compares the
#      failing tests of each package.
#
# It prints a summary and exits 0 when the fixed module builds, vet and
# the tests of every touched package give what they gave before, and the
# fixed findings are gone; 1 otherwise.
#
# Usage: bench/lint-fixes.sh DIR [PATTERN...]
#   DIR is a module root; PATTERN (default ./...) the packages to lint and
#   fix, as go list patterns relative to DIR.
# Example:
#   d=$(go mod download -json github.com/prometheus/alertmanager@v0.35.0 |
#       sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
#   bench/lint-fixes.sh "$d"
# Environment: TESTFLAGS (default "-count=1 -timeout=10m") for go test;
# RERUN (default 5): how many times a test failing only after the fix is
# run again there (passing every time, it is reported as flaky);
# KEEP=1 keeps the temporary directory (diff, logs) and prints its path.
set -eu

[ $# -ge 1 ] || { echo "usage: bench/lint-fixes.sh DIR [PATTERN...]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(cd "$1" && pwd)
shift
[ $# -ge 1 ] || set -- ./...
TESTFLAGS=${TESTFLAGS:--count=1 -timeout=10m}
RERUN=${RERUN:-5}
[ -f "$dir/go.mod" ] || { echo "lint-fixes.sh: $dir has no go.mod" >&2; exit 2; }

work=$(mktemp -d)
cleanup() {
	if [ "${KEEP:-}" = 1 ]; then
		echo "lint-fixes.sh: kept $work" >&2
	else
		chmod -R u+w "$work" 2>/dev/null
		rm -rf "$work"
	fi
}
trap cleanup EXIT
(cd "$root" && go build -o "$work/mapscope" ./cmd/mapscope)
mapscope=$work/mapscope
rev=$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)

# The module's own go.work, if any, is copied with it; ours is not used.
export GOWORK=off
cp -R "$dir" "$work/before"
cp -R "$dir" "$work/after"
chmod -R u+w "$work/before" "$work/after"

echo "# $(go version); mapscope $rev; $(date -u +%Y-%m-%dT%H:%MZ)"
echo "# module $(cd "$work/after" && go list -m 2>/dev/null || echo "?") in $(basename "$dir"); lint $*"

fail=0
# strip FILE: drops line:col from findings, so that findings can be compared
# across a fix that moved lines, and sorts them.
strip() { sed 's/^\([^:]*\):[0-9]*:[0-9]*: /\1: /' "$1" | sort; }

cd "$work/after"
set +e
"$mapscope" lint "$@" > "$work/lint-before.txt" 2> "$work/lint-before.err"
"$mapscope" lint -fix "$@" > "$work/lint-fix.txt" 2> "$work/lint-fix.err"
"$mapscope" lint "$@" > "$work/lint-after.txt" 2> "$work/lint-after.err"
set -e
if grep -q 'error(s) loading packages' "$work/lint-before.err"; then
	echo "lint-fixes.sh: mapscope lint cannot load the packages:" >&2
	cat "$work/lint-before.err" >&2
	exit 1
fi
applied=$(sed -n 's/.*applied \([0-9]*\) fix(es) in \([0-9]*\) file(s).*/\1 \2/p' "$work/lint-fix.err")
[ -n "$applied" ] || applied="0 0"
set -- $applied
nfix=$1
nfile=$2
echo "findings before -fix: $(wc -l < "$work/lint-before.txt"), fixes applied: $nfix in $nfile file(s), findings left: $(wc -l < "$work/lint-fix.txt"), findings after -fix: $(wc -l < "$work/lint-after.txt")"
strip "$work/lint-fix.txt" > "$work/left.txt"
strip "$work/lint-after.txt" > "$work/after.txt"
if ! cmp -s "$work/left.txt" "$work/after.txt"; then
	echo "FAIL: the second lint does not report exactly the findings -fix left:"
	diff "$work/left.txt" "$work/after.txt" | sed 's/^/    /'
	fail=1
fi

cd "$work"
diff -r -U0 before after > "$work/fix.diff" || true
diff -rq before after | sed -n 's/^Files before\/\(.*\) and after\/.* differ$/\1/p' > "$work/files.txt"
edits=$(grep -c '^@@' "$work/fix.diff" || true)
echo "edits (diff hunks): $edits in $(wc -l < "$work/files.txt") file(s):"
# One line per hunk: file:line, the line before -> the line after.
awk '
/^\+\+\+ / { sub(/^\+\+\+ after\//, ""); file = $1; next }
/^--- / { next }
/^@@/ { split($3, a, /[+,]/); line = a[2]; old = ""; new = ""; next }
/^-/ { s = substr($0, 2); gsub(/^[ \t]+/, "", s); old = old (old == "" ? "" : " / ") s; next }
/^\+/ { s = substr($0, 2); gsub(/^[ \t]+/, "", s); new = new (new == "" ? "" : " / ") s; print "    " file ":" line ": " old "  ->  " new; next }
' "$work/fix.diff" | awk '{ lines[$1] = $0; order[++n] = $1 } END { for (i = 1; i <= n; i++) if (!(order[i] in done)) { print lines[order[i]]; done[order[i]] = 1 } }' > "$work/edits.txt"
cat "$work/edits.txt"
[ "$nfix" -eq 0 ] && { echo "nothing to fix"; exit 0; }

# Touched packages: the directories of the edited files.
while read -r f; do
	d=$(dirname "$f")
	if [ "$d" = . ]; then echo .; else echo "./$d"; fi
done < "$work/files.txt" | sort -u > "$work/pkgs.txt"

# check NAME LABEL CMD...: runs CMD in both copies and prints the exit
# statuses; the output goes to NAME.before.log and NAME.after.log.
check() {
	name=$1
	label=$2
	shift 2
	set +e
	(cd "$work/before" && "$@") > "$work/$name.before.log" 2>&1
	b=$?
	(cd "$work/after" && "$@") > "$work/$name.after.log" 2>&1
	a=$?
	set -e
	verdict=same
	if [ "$a" -ne 0 ] && [ "$b" -eq 0 ]; then
		verdict=BROKEN
		fail=1
	elif [ "$a" -ne 0 ] && ! cmp -s "$work/$name.before.log" "$work/$name.after.log"; then
		verdict="DIFFERENT output"
		fail=1
	fi
	printf '%-26s before exit %d   after exit %d   %s\n' "$label" "$b" "$a" "$verdict"
	if [ "$verdict" != same ]; then sed 's/^/    /' "$work/$name.after.log" | head -20; fi
}
check build "go build ./..." go build ./...
check vet "go vet (touched)" go vet $(cat "$work/pkgs.txt")

# failed LOG: the failing tests of a go test -v log, sorted.
failed() { sed -n 's/^[[:space:]]*--- FAIL: \([^ ]*\).*/\1/p' "$1" | sort -u; }
# result LOG: ok, FAIL, "no tests" or "build failed".
result() {
	if grep -q '^ok[[:space:]]' "$1"; then echo ok
	elif grep -q '\[build failed\]\|\[setup failed\]' "$1"; then echo "build failed"
	# With -coverprofile a package without tests prints only its coverage.
	elif grep -q 'no test files' "$1" || ! grep -q '^=== RUN\|^FAIL' "$1"; then echo "no tests"
	else echo FAIL; fi
}
echo "go test $TESTFLAGS, per touched package:"
while read -r pkg; do
	set +e
	name=$(echo "$pkg" | tr '/.' '__')
	(cd "$work/before" && go test -v $TESTFLAGS -coverprofile="$work/cover$name.before" "$pkg") > "$work/test.before.log" 2>&1
	(cd "$work/after" && go test -v $TESTFLAGS -coverprofile="$work/cover$name.after" "$pkg") > "$work/test.after.log" 2>&1
	set -e
	rb=$(result "$work/test.before.log")
	ra=$(result "$work/test.after.log")
	nb=$(grep -c '^=== RUN' "$work/test.before.log" || true)
	na=$(grep -c '^=== RUN' "$work/test.after.log" || true)
	failed "$work/test.before.log" > "$work/fail.before"
	failed "$work/test.after.log" > "$work/fail.after"
	new=$(comm -13 "$work/fail.before" "$work/fail.after" | tr '\n' ' ')
	verdict=same
	: > "$work/notes"
	if [ -n "$new" ]; then
		# A test that failed only after the fix runs RERUN more times in
		# the fixed copy: if it passes every time, it is flaky (a timeout
		# under load), not broken by the fix.
		top=$(comm -13 "$work/fail.before" "$work/fail.after" | sed 's|/.*||' | sort -u | paste -sd '|' -)
		set +e
		(cd "$work/after" && go test -count="$RERUN" -run "^($top)\$" "$pkg") > "$work/rerun.log" 2>&1
		set -e
		again=$(grep -c '^--- FAIL' "$work/rerun.log" || true)
		echo "        failing only after the fix: $new" >> "$work/notes"
		echo "        re-run $RERUN times after the fix: $again failure(s)" >> "$work/notes"
		[ "$again" -ne 0 ] || { verdict="same (flaky)"; new=; }
	fi
	if [ -n "$new" ] || { [ "$verdict" = same ] && [ "$rb" = ok ] && [ "$ra" != ok ]; } || { [ "$rb" != "build failed" ] && [ "$ra" = "build failed" ]; }; then
		verdict=BROKEN
		fail=1
	fi
	printf '    %-50s before %s (%d run, %d failed)   after %s (%d run, %d failed)   %s\n' \
		"$pkg" "$rb" "$nb" "$(wc -l < "$work/fail.before")" "$ra" "$na" "$(wc -l < "$work/fail.after")" "$verdict"
	cat "$work/notes"
	if [ -s "$work/fail.before" ]; then echo "        failing before too: $(tr '\n' ' ' < "$work/fail.before")"; fi
	cp "$work/test.before.log" "$work/test$name.before.log"
	cp "$work/test.after.log" "$work/test$name.after.log"
done < "$work/pkgs.txt"

# Did the tests run the edited lines? A block of the coverage profile
# (FILE:L0.C0,L1.C1 STATEMENTS COUNT) that spans the line with COUNT > 0.
mod=$(cd "$work/after" && go list -m)
cat "$work"/cover*.after 2>/dev/null | grep -v '^mode:' > "$work/cover.all" || true
ran=0
while read -r at rest; do
	file=${at%:*}
	file=${file%:*}
	line=${at%:}
	line=${line##*:}
	if awk -v f="$mod/$file" -v l="$line" '
		{ split($1, a, ":"); if (a[1] != f) next
		  split(a[2], r, ","); split(r[1], s, "."); split(r[2], e, ".")
		  if (s[1] + 0 <= l && l <= e[1] + 0 && $3 > 0) hit = 1 }
		END { exit !hit }' "$work/cover.all"; then
		ran=$((ran + 1))
	else
		echo "    not run by the tests: $file:$line"
	fi
done < "$work/edits.txt"
echo "edited lines run by the tests of their package: $ran of $(wc -l < "$work/edits.txt")"

if [ "$fail" -eq 0 ]; then
	echo "lint-fixes.sh: ok"
else
	echo "lint-fixes.sh: FAIL"
	exit 1
fi
