#!/bin/bash
# SPDX-License-Identifier: MIT
# First-touch fault rate of oomlab-worker against the raw fault loop (and
# stress-ng if installed), measured in one run inside a temporary memcg.
# Ratios only: absolute rates on this VM drift (the host takes freed memory
# back after ~60 s, so the first touch after idle is slow); hence a warm-up
# and the median (and best) of RUNS interleaved runs.
#
#   bench/fault-ratio.sh [SIZE]   (default 2G; env RUNS=5, LIMIT=3G)
set -u
cd "$(dirname "$0")/.."
SIZE=${1:-2G}
RUNS=${RUNS:-5}
LIMIT=${LIMIT:-3G}
FB=build/bench/fault-bench
W=build/oomlab-worker

BENCH=fault-ratio
. bench/lib.sh
[ -x $FB ] && [ -x $W ] || skip "build first: make build/oomlab-worker $FB"
bench_memcg "$LIMIT"

declare -A rate runs
run1() { # name cmd...: one run, appended to runs[name]
	local name=$1 v
	shift
	v=$(incg "$@") || { echo "fault-ratio: $name failed" >&2; return 1; }
	runs[$name]+="$v "
}

# stress-ng reports bogo ops, not pages: count its minor faults over its
# wall time instead (every first touch of its --vm buffer is one).
stressng_rate() {
	local t
	t=$( { /usr/bin/time -f '%R %e' stress-ng --vm 1 --vm-bytes "$SIZE" \
		--vm-method write64 --timeout 3s --quiet >/dev/null; } 2>&1 | tail -1)
	awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.0f\n", a[1] / a[2] }'
}

echo "fault-ratio: $SIZE, median of $RUNS, memcg $cg limit $LIMIT"
incg $FB raw "$SIZE" >/dev/null # warm-up: let the host hand memory back
names="raw mmap page-touch"
if command -v stress-ng >/dev/null && [ -x /usr/bin/time ]; then
	names="$names stress-ng"
else
	echo "  stress-ng: not installed (or no /usr/bin/time), skipped"
fi
# interleave the cases round by round so that a drift of the host's speed
# hits all of them alike
for ((i = 0; i < RUNS; i++)); do
	run1 raw $FB raw "$SIZE" || exit 1
	run1 mmap $FB worker "$SIZE" $W -p mmap -s "$SIZE" || exit 1
	run1 page-touch $FB worker "$SIZE" $W -p page-touch -s "$SIZE" || exit 1
	case $names in *stress-ng*) run1 stress-ng stressng_rate || exit 1 ;; esac
done
for n in $names; do
	rate[$n]=$(printf '%s\n' ${runs[$n]} | median)
	echo "  $n: ${runs[$n]}"
done

# best-of-N too: on a shared VM, steal time only ever slows a run down
printf '%-12s %12s %8s %12s %8s\n' case median "vs raw" best "vs raw"
for n in $names; do
	best=$(printf '%s\n' ${runs[$n]} | sort -n | tail -1)
	bestraw=$(printf '%s\n' ${runs[raw]} | sort -n | tail -1)
	awk -v n="$n" -v r="${rate[$n]}" -v raw="${rate[raw]}" -v b="$best" -v braw="$bestraw" \
		'BEGIN { printf "%-12s %12d %8.2f %12d %8.2f\n", n, r, r / raw, b, b / braw }'
done
