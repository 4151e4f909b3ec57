#!/bin/bash
# SPDX-License-Identifier: MIT
# Wall time of `oomlab run profiles/quickstart.ini` (spawn, ramp, trigger,
# three real kills, verdict, teardown) against the raw first touch of the
# same memory (the sum of the profile's worker sizes) by the raw fault loop,
# interleaved in one run; medians of RUNS (default 5).
set -u
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
PROFILE=${1:-profiles/quickstart.ini}
FB=build/bench/fault-bench
BENCH=quickstart-ratio
. bench/lib.sh
[ -x $FB ] && [ -x build/oomlab ] || skip "build first: make all $FB"
bench_memcg 1G
# the memory the workers touch: sum of size = lines
bytes=$(awk -F= '/^[ \t]*size[ \t]*=/ { gsub(/[ \t]/, "", $2); print $2 }' "$PROFILE" |
	numfmt --from=iec | awk '{ s += $1 } END { print s }')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; rmdir "$cg" 2>/dev/null' EXIT

incg $FB raw "$bytes" >/dev/null # warm-up
build/oomlab run -q --json "$tmp/w.json" "$PROFILE" >/dev/null 2>&1
walls="" ramps="" raws=""
for ((i = 0; i < RUNS; i++)); do
	t0=$(date +%s%N)
	build/oomlab run -q --json "$tmp/r.json" "$PROFILE" >/dev/null 2>&1 ||
		{ echo "$BENCH: run $i: $(jq -r .reason "$tmp/r.json")"; exit 1; }
	t1=$(date +%s%N)
	walls+="$(( (t1 - t0) / 1000 )) "
	ramps+="$(jq -r '.ramp_ms * 1000 | floor' "$tmp/r.json") "
	rate=$(incg $FB raw "$bytes")
	raws+="$(awk -v r="$rate" -v b="$bytes" 'BEGIN { printf "%d", b / 4096 / r * 1e6 }') "
done
w=$(printf '%s\n' $walls | median)
rp=$(printf '%s\n' $ramps | median)
r=$(printf '%s\n' $raws | median)
echo "$BENCH: $PROFILE, $((bytes / 1048576)) MiB touched, median of $RUNS (us)"
echo "  oomlab run wall: $walls"
echo "  of which ramp:   $ramps"
echo "  raw touch:       $raws"
awk -v w="$w" -v rp="$rp" -v r="$r" 'BEGIN {
	printf "  median wall %.1f ms, ramp %.1f ms, raw touch %.1f ms: wall/raw %.1fx, ramp/raw %.2fx\n",
		w / 1000, rp / 1000, r / 1000, w / r, rp / r }'
