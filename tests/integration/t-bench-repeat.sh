#!/bin/bash
# oomlab bench --repeat and --compare on this host (issue 9): three real
# runs of anon-oom give three result documents and a summary whose medians
# are the middle run's figures, with bootstrap intervals around them; two
# such summaries compare figure by figure; a comparison with another
# scenario, or with what is not a bench document, is exit 2 naming the file.
. "$(dirname "$0")/lib.sh"
need_root

PROF=$TOP/profiles/bench/anon-oom.ini

# repeat N DIR: N runs into DIR; stdout in $TMP/out, the summary's path in $sum
repeat() {
	local n=$1 dir=$2 rc
	"$OOMLAB" bench --repeat "$n" --results-dir "$dir" "$PROF" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	sed 's/^/    /' "$TMP/out"
	# 1 is a FAIL verdict (the kernel killed another worker too): the
	# figures are still measured; 2 would be the harness's own failure
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || { sed 's/^/    /' "$TMP/err"; fail "--repeat $n: exit $rc"; }
	sum=$(sed -n 's/^summary: //p' "$TMP/out")
	[ -f "$sum" ] || fail "--repeat $n: no summary file (stdout says '$sum')"
}

repeat 3 "$TMP/a"
A=$sum
grep -q '^run 3/3 anon-oom 3/3: ' "$TMP/out" || fail "no progress line for run 3/3"
! grep -q $'\r' "$TMP/out" || fail "terminal redraws on a pipe (progress must be plain lines)"
grep -q '^phases.below_limit.p50 ' "$TMP/out" || fail "no summary table on stdout"
[ "$(jq -r .runs "$A")" = 3 ] || fail "summary: runs is not 3"
[ "$(jq -r .scenario "$A")" = anon-oom ] || fail "summary: scenario is not anon-oom"
[ "$(jq -r '.results | length' "$A")" = 3 ] || fail "summary: not 3 results"
for f in $(jq -r '.results[]' "$A"); do
	[ -f "$f" ] || fail "summary lists $f, which does not exist"
	jq -e '.bench.phases.below_limit.count > 0' "$f" >/dev/null ||
		fail "$f: no below_limit samples"
done
# the median is the middle of the three documents' own p50s, and the
# interval holds it
mid=$(jq -r '.results[]' "$A" | xargs jq -s '[.[].bench.phases.below_limit.p50_ns] | sort | .[1]')
jq -e --argjson mid "$mid" '.figures["phases.below_limit.p50_ns"] |
	.median == $mid and (.ci95 | length) == 2 and .ci95[0] <= .median and
	.median <= .ci95[1] and (.values | length) == 3' "$A" >/dev/null ||
	fail "p50: median is not $mid or no interval around it: $(jq -c '.figures["phases.below_limit.p50_ns"]' "$A")"
jq -e '.figures["kill_chain.big.kmsg_ms"].median > 0 and
	.figures["kill_chain.big.pidfd_ms"].median >= .figures["kill_chain.big.kmsg_ms"].median' \
	"$A" >/dev/null || fail "kill chain medians missing or out of order"

repeat 3 "$TMP/b"
B=$sum
"$OOMLAB" bench --compare "$A" "$B" --json "$TMP/cmp.json" >"$TMP/out" 2>"$TMP/err" ||
	{ cat "$TMP/err"; fail "--compare of two summaries: exit $?"; }
sed 's/^/    /' "$TMP/out"
grep -q 'B/A' "$TMP/out" || fail "--compare: no table"
jq -e '.scenario == "anon-oom" and (.figures["phases.below_limit.p50_ns"] |
	.ratio > 0 and (.ci95 | length) == 2 and (.significant | type) == "boolean")' \
	"$TMP/cmp.json" >/dev/null || fail "--compare: no ratio with an interval for p50"

# refusals: exit 2, naming the file and what differs
refused() {
	local what=$1 want=$2 rc
	shift 2
	"$OOMLAB" bench --compare "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	sed 's/^/    /' "$TMP/err"
	[ "$rc" = 2 ] || fail "$what: exit $rc, expected 2"
	grep -q -- "$want" "$TMP/err" || fail "$what: the error does not say '$want'"
}
CACHE=$TOP/tests/fixtures/bench/cache-reclaim-1.json
refused "another scenario" "$CACHE is cache-reclaim" "$A" "$CACHE"
refused "another scenario" "different scenarios" "$A" "$CACHE"
jq 'del(.bench)' "$(jq -r '.results[0]' "$A")" >"$TMP/run.json"
refused "a run without bench" "$TMP/run.json: a result document without a bench section" \
	"$A" "$TMP/run.json"
echo '{"bench": ' >"$TMP/bad.json"
refused "broken JSON" "$TMP/bad.json: not JSON" "$TMP/bad.json" "$B"
refused "a missing file" "$TMP/none.json: cannot read it" "$A" "$TMP/none.json"

# one run: a summary, its interval said to be unavailable
"$OOMLAB" bench --repeat 1 --results-dir "$TMP/c" --json "$TMP/one.json" "$PROF" >"$TMP/out" 2>&1
grep -q 'interval not available' "$TMP/out" || fail "--repeat 1 does not say the interval is not available"
jq -e '.runs == 1 and .figures["phases.below_limit.p50_ns"].ci95 == null' "$TMP/one.json" >/dev/null ||
	fail "--repeat 1: $(jq -c '.figures["phases.below_limit.p50_ns"]' "$TMP/one.json")"
# a scenario this host SKIPs is run once, not N times, and has no summary
sed 's/^\[profile\]$/[profile]\nneeds = vm/' "$PROF" >"$TMP/vm-only.ini"
"$OOMLAB" bench --repeat 3 --results-dir "$TMP/d" "$TMP/vm-only.ini" >"$TMP/out" 2>&1
rc=$?
sed 's/^/    /' "$TMP/out"
[ "$rc" = 77 ] || fail "a SKIPped scenario: exit $rc, expected 77"
grep -q 'not run again' "$TMP/out" || fail "a SKIPped scenario: not said it is not run again"
[ "$(ls "$TMP/d" | wc -l)" = 1 ] || fail "a SKIPped scenario: $(ls "$TMP/d" | wc -l) documents, expected 1"
assert_clean
