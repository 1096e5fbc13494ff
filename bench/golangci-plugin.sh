#!/bin/sh
# golangci-plugin.sh builds a custom golangci-lint with the mapscope module
# plugin and runs it on golangci/testdata.
#
# It builds the binary the way "golangci-lint custom" does (a copy of
# golangci-lint's module with a plugins.go importing the plugin, go mod
# tidy, go build ./cmd/golangci-lint), but takes golangci-lint's source from
# the Go module proxy instead of "git clone", so it runs where only the
# proxy is reachable.
#
# Usage: bench/golangci-plugin.sh [OUTPUT-BINARY]
# Environment: GCL_VERSION (default v2.15.0).
set -eu

GCL_VERSION=${GCL_VERSION:-v2.15.0}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
out=${1:-$work/custom-gcl}
case $out in /*) ;; *) out=$PWD/$out ;; esac

now() { date +%s; }
elapsed() { echo $(($2 - $1)); }

t0=$(now)
src=$(go mod download -json "github.com/golangci/golangci-lint/v2@$GCL_VERSION" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$src" ] || { echo "golangci-plugin.sh: cannot download golangci-lint $GCL_VERSION" >&2; exit 1; }
cp -R "$src" "$work/golangci-lint"
chmod -R u+w "$work/golangci-lint"
cd "$work/golangci-lint"

cat > cmd/golangci-lint/plugins.go <<'EOF'
package main

// This file is used to declare module plugins.

import _ "github.com/mapscope/mapscope/golangci"
EOF
go mod edit \
	-require=github.com/mapscope/mapscope/golangci@v0.0.0 \
	-replace=github.com/mapscope/mapscope/golangci="$root/golangci" \
	-replace=github.com/mapscope/mapscope="$root" \
	-replace=github.com/mapscope/mapscope/internal/mapruntime="$root/internal/mapruntime"
GOFLAGS=-mod=mod go mod tidy
go build -trimpath -ldflags "-X main.version=${GCL_VERSION#v}-custom-mapscope -X main.date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" -o "$out" ./cmd/golangci-lint
t1=$(now)
echo "built $("$out" version | head -1) with the mapscope plugin in $(elapsed "$t0" "$t1") s"

cd "$root/golangci/testdata"
set +e
# testdata is a module of its own, which the repository's go.work does
# not list: without GOWORK=off the go command refuses to load it.
GOWORK=off "$out" run --output.text.path stdout --output.text.print-issued-lines=false ./... > "$work/run.txt" 2>&1
status=$?
set -e
t2=$(now)
sed "s|$root/||" "$work/run.txt"
echo "golangci-lint run: exit status $status in $(elapsed "$t1" "$t2") s"

for want in \
	"fill.go:9:9: mapprealloc: map pos is made without a size hint but the loop below fills it len(names) times (mapscope)" \
	"fill.go:18:2: mapclear: deleting every key of registry keeps its memory"; do
	if ! grep -qF "$want" "$work/run.txt"; then
		echo "golangci-plugin.sh: FAIL: output lacks: $want" >&2
		exit 1
	fi
done
[ "$status" -eq 1 ] || { echo "golangci-plugin.sh: FAIL: want exit status 1 (issues found), got $status" >&2; exit 1; }
echo "golangci-plugin.sh: ok"
