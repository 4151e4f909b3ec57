#!/bin/bash
# SPDX-License-Identifier: MIT
# Cost of the per-fault latency probe (issue 9: >= 0.97x): the first-touch
# rate of oomlab-worker timing and recording every fault into its
# scoreboard histogram, against the same worker with --no-latency, in one
# run inside a temporary memcg. Runs interleaved (on, off, on, off, ...)
# so a drift of the host's speed hits both alike; medians of RUNS.
#
#   bench/probe-overhead.sh [SIZE] [PATTERN]  (default 1G mmap; env RUNS=5, LIMIT=2G)
#
# Two rates per run: over the worker's own CPU time (/proc/PID/schedstat,
# up to HOLDING) and over wall time. This VM's 2 CPUs are shared by several
# users, and wall-time rates swing +-40% with their load (a run waits for a
# CPU); the CPU-time rate leaves the waiting out, so the last line,
# `probe overhead: RATIO`, is the ratio of the CPU-time medians (with /
# without recording). The wall-time figures are printed too.
set -u
cd "$(dirname "$0")/.."
SIZE=${1:-1G}
PATTERN=${2:-mmap}
RUNS=${RUNS:-5}
LIMIT=${LIMIT:-2G}
FB=build/bench/fault-bench
W=build/oomlab-worker

BENCH=probe-overhead
. bench/lib.sh
[ -x $FB ] && [ -x $W ] || skip "build first: make build/oomlab-worker $FB"
bench_memcg "$LIMIT"

echo "probe-overhead: $PATTERN $SIZE, median of $RUNS interleaved, memcg $cg limit $LIMIT"
# warm-up: the host hands back memory freed ~60 s ago slowly on first touch
incg $FB worker-cpu "$SIZE" $W -p "$PATTERN" -s "$SIZE" --no-latency >/dev/null || exit 1
cpu_on="" cpu_off="" wall_on="" wall_off=""
for ((i = 0; i < RUNS; i++)); do
	read -r c w < <(incg $FB worker-cpu "$SIZE" $W -p "$PATTERN" -s "$SIZE") || exit 1
	cpu_on+="$c " wall_on+="$w "
	read -r c w < <(incg $FB worker-cpu "$SIZE" $W -p "$PATTERN" -s "$SIZE" --no-latency) ||
		exit 1
	cpu_off+="$c " wall_off+="$w "
done
# the median of the per-round ratios: a drift slower than one round cancels
paired() { paste -d' ' <(printf '%s\n' $1) <(printf '%s\n' $2) |
	awk '{ printf "%.4f\n", $1 / $2 }' | median; }
for k in cpu wall; do
	on=cpu_on off=cpu_off
	[ $k = wall ] && on=wall_on off=wall_off
	mon=$(printf '%s\n' ${!on} | median)
	moff=$(printf '%s\n' ${!off} | median)
	echo "  $k-time rate (pages/s), recording:    ${!on}"
	echo "  $k-time rate (pages/s), --no-latency: ${!off}"
	awk -v a="$mon" -v b="$moff" -v p="$(paired "${!on}" "${!off}")" -v k=$k 'BEGIN {
		printf "  %s: medians %d vs %d, ratio %.3f; median of per-round ratios %.3f\n",
			k, a, b, a / b, p }'
	[ $k = cpu ] && ratio=$(awk -v a="$mon" -v b="$moff" 'BEGIN { printf "%.3f", a / b }')
done
echo "probe overhead: $ratio"
