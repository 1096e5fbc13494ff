#!/usr/bin/env bash
# lint-profile.sh records a CPU profile of a real service under load, for
# mapscope lint -profile (which keeps the mapprealloc findings whose insert
# line shows map growth in the profile): Prometheus Alertmanager v0.33.1,
# driven by bench/lintprofile/loadgen, which posts a few thousand alerts
# with a dozen labels each, re-posts them (resolving and re-firing a share),
# polls the alert and group views as a dashboard does, queries alerts with
# label matchers as amtool does, and is the webhook Alertmanager notifies.
#
#   bench/lint-profile.sh [PROFILE]
#
# PROFILE defaults to $WORK/alertmanager-cpu.pprof. WORK (default
# ${TMPDIR:-/tmp}/mapscope-lint-profile) holds the Alertmanager source copy
# (src/), its binary, the config and the logs; it is kept after the run, so
# that the lint step below can read src/ and a second run skips the build.
# Then it runs mapscope lint on the copy, without and with -profile.
# DURATION (default 60) is the load in seconds; the profile covers
# DURATION-10 of them, from 5 s in. ALERTS and LABELS size the load;
# RESOLVE (default 0.25) is the share resolved in each round of posts.
# URL=1 skips the saved profile: lint -profile takes Alertmanager's URL
# and records the profile itself while it loads the packages.
#
# Needs Go, the module proxy and curl. Everything listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
work=${WORK:-${TMPDIR:-/tmp}/mapscope-lint-profile}
profile=${1:-$work/alertmanager-cpu.pprof}
duration=${DURATION:-60}
alerts=${ALERTS:-3000}
labels=${LABELS:-12}
resolve=${RESOLVE:-0.25}
version=v0.33.1
if [ "$duration" -lt 20 ]; then
	echo "DURATION must be at least 20 (seconds)" >&2
	exit 2
fi
mkdir -p "$work/bin" "$(dirname "$profile")"
case $profile in /*) ;; *) profile=$PWD/$profile ;; esac

# Alertmanager. "go install .../cmd/alertmanager@$version" does not build:
# the module zip lacks the web UI's compiled assets, which ui/web.go embeds
# (//go:embed app/dist: "no matching files found"). So build it from a
# writable copy of the module with a placeholder page in their place (the
# UI is not part of the load). The copy is also the source the lint step
# reads, at the same paths as the binary's, so that profile lines and
# source lines agree.
src=$work/src
am=$work/bin/alertmanager
if [ ! -x "$am" ]; then
	dir=$(go mod download -json "github.com/prometheus/alertmanager@$version" |
		sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -n "$dir" ] || { echo "go mod download gave no Dir" >&2; exit 1; }
	rm -rf "$src"
	cp -R "$dir" "$src"
	chmod -R u+w "$src"
	mkdir -p "$src/ui/app/dist"
	echo '<!doctype html><title>Alertmanager (UI not built)</title>' >"$src/ui/app/dist/index.html"
	echo "building alertmanager $version in $src"
	(cd "$src" && go build -o "$am" ./cmd/alertmanager)
fi
go build -o "$work/bin/loadgen" ./bench/lintprofile/loadgen

read -r am_port webhook_port < <("$work/bin/loadgen" -free-ports 2 | paste -sd' ')
base=http://127.0.0.1:$am_port

# Everything goes to the loadgen's webhook. Groups by alertname and
# cluster hold ~75 alerts each (3000 alerts over 10 names x 4 clusters);
# short intervals make every group flush every second, so the dedup stage
# compares each group with its last notification (nflog's firing and
# resolved subset checks) many times a minute, and send_resolved keeps the
# resolved share in those checks. The resolved check only runs when no new
# alert fired since the last notification, and only builds a set of more
# than 8 entries (the size at which a map without a hint first grows) when
# a group's last notification had more than 8 resolved alerts: RESOLVE
# 0.25 gives ~19 a group.
cat >"$work/alertmanager.yml" <<EOF
route:
  receiver: loadgen
  group_by: [alertname, cluster]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 10s
receivers:
  - name: loadgen
    webhook_configs:
      - url: http://127.0.0.1:$webhook_port/
        send_resolved: true
EOF

pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
	wait 2>/dev/null || true
}
trap cleanup EXIT

rm -rf "$work/data"
"$am" --config.file="$work/alertmanager.yml" \
	--storage.path="$work/data" \
	--web.listen-address="127.0.0.1:$am_port" \
	--cluster.listen-address= \
	>"$work/alertmanager.log" 2>&1 &
pids+=($!)

for i in $(seq 150); do
	curl -sf "$base/-/ready" >/dev/null && break
	if [ "$i" = 150 ]; then
		echo "alertmanager not ready after 30 s; log: $work/alertmanager.log" >&2
		exit 1
	fi
	sleep 0.2
done
echo "alertmanager $version ready on $base (webhook on 127.0.0.1:$webhook_port)"

"$work/bin/loadgen" -url "$base" -webhook "127.0.0.1:$webhook_port" \
	-duration "${duration}s" -alerts "$alerts" -labels "$labels" -resolve "$resolve" \
	>"$work/loadgen.out" 2>&1 &
loadgen=$!
pids+=($loadgen)

go build -o "$work/bin/mapscope" ./cmd/mapscope

# Profile the middle of the run: skip the first posts (the alerts'
# creation) and end before the load stops. With URL=1, lint records the
# profile from the running Alertmanager itself while it loads the
# packages, and the wall time of that run is printed.
sleep 5
if [ "${URL:-0}" = 1 ]; then
	echo "--- mapscope lint -mapprealloc -profile $base?seconds=$((duration - 10)) ./... (during the load)"
	start=$(date +%s)
	(cd "$src" && GOWORK=off GOFLAGS=-mod=mod "$work/bin/mapscope" lint -mapprealloc \
		-profile "$base?seconds=$((duration - 10))" ./...) || [ $? = 1 ]
	echo "lint with the URL took $(($(date +%s) - start)) s, of which $((duration - 10)) s of CPU sampling"
	wait "$loadgen"
	cat "$work/loadgen.out"
	exit 0
fi
curl -sf -o "$profile" "$base/debug/pprof/profile?seconds=$((duration - 10))"
wait "$loadgen"
cat "$work/loadgen.out"
echo "profile: $profile ($(wc -c <"$profile") bytes, $((duration - 10)) s of CPU sampling)"

# The lint step: every mapprealloc finding of the copy, then those the
# profile shows growing. lint exits 1 when it reports anything.
cd "$src"
echo "--- mapscope lint -mapprealloc ./..."
GOWORK=off GOFLAGS=-mod=mod "$work/bin/mapscope" lint -mapprealloc ./... || [ $? = 1 ]
echo "--- mapscope lint -mapprealloc -profile $profile ./..."
GOWORK=off GOFLAGS=-mod=mod "$work/bin/mapscope" lint -mapprealloc -profile "$profile" ./... || [ $? = 1 ]
