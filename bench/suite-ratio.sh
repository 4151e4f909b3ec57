#!/bin/bash
# SPDX-License-Identifier: MIT
# oomlab suite on GNU parallel: N profile runs (default 100) on --jobs J
# (default 2) against the ideal, the sum of the runs' own wall times / J.
# Prints the ratio (target: within 1.3x) and what parallel, the job's
# oomlab process and the merge add per job, in ms:
#   per job, suite: (suite wall * J - sum of job runtimes) / N  (parallel, merge)
#   per job, oomlab: (sum of job runtimes - sum of run wall_ms) / N
#                    (exec, profile parse, cgroup setup and removal, JSON)
#
#   bench/suite-ratio.sh [PROFILE]     default profiles/size-ranking.ini
cd "$(dirname "$0")/.." || exit 1
BENCH=suite-ratio
. bench/lib.sh
N=${N:-100}
J=${J:-2}
PROF=${1:-profiles/size-ranking.ini}
OOMLAB=./build/oomlab
[ "$(id -u)" = 0 ] || skip "needs root (memory cgroups)"
command -v parallel >/dev/null || skip "no GNU parallel"
command -v jq >/dev/null || skip "no jq"
[ -x $OOMLAB ] || skip "build first (make)"
TMP=$(mktemp -d /tmp/oomlab-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# warm-up: the host evicts idle page cache; first touches are slow
$OOMLAB run -q --no-json "$PROF" >/dev/null 2>&1
t0=$(date +%s%N)
$OOMLAB suite --quiet --jobs "$J" --repeat "$N" --results-dir "$TMP/s" "$PROF" >"$TMP/out" 2>&1
rc=$?
t1=$(date +%s%N)
[ -s "$TMP/s/suite.json" ] || { cat "$TMP/out"; skip "the suite wrote no document (exit $rc)"; }
wall=$(( (t1 - t0) / 1000000 ))
runs=$(jq -r '[.profiles[].results[]] | length' "$TMP/s/suite.json")
sum_run=$(jq -s 'map(.wall_ms) | add' $(jq -r '.profiles[].results[]' "$TMP/s/suite.json"))
sum_job=$(awk -F'\t' 'NR > 1 { s += $4 } END { printf "%.1f", s * 1000 }' "$TMP/s/joblog")
awk -v w="$wall" -v sr="$sum_run" -v sj="$sum_job" -v n="$runs" -v j="$J" -v rc="$rc" \
	-v p="$(basename "$PROF")" 'BEGIN {
	ideal = sr / j
	printf "suite-ratio: %d runs of %s on %d jobs (exit %d): suite %.2f s, ideal %.2f s " \
	       "(sum of run wall times / jobs): ratio %.2f (target <= 1.3)\n",
	       n, p, j, rc, w / 1000, ideal / 1000, w / ideal
	printf "  per job: parallel + merge %.1f ms, oomlab process around the run %.1f ms, " \
	       "run itself %.1f ms\n", (w * j - sj) / n, (sj - sr) / n, sr / n
}'
