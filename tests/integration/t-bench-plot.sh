#!/bin/bash
# oomlab bench --plot on this host (issue 9): the two SVGs of anon-oom and
# cache-reclaim are valid SVG naming their series; the timeline is
# non-empty and in time order (cache-reclaim's reaches back through the
# anon worker's 2 s start_delay); anon-oom's usage drop comes after the
# kill line; without gnuplot the document is still written and the plot
# step says why; a bench profile that cannot reach reclaim is BROK with the
# figures before anything starts.
. "$(dirname "$0")/lib.sh"
need_root
command -v gnuplot >/dev/null || skip "gnuplot is not installed (Debian: gnuplot-nox)"
command -v python3 >/dev/null || skip "no python3"

# svg_has FILE TEXT...: FILE parses as XML, its root is an svg element and
# each TEXT is the text of one of its elements (a title in the key)
svg_has() {
	python3 - "$@" <<'PY' || fail "$1: not the SVG expected"
import sys, xml.etree.ElementTree as ET
path, want = sys.argv[1], sys.argv[2:]
root = ET.parse(path).getroot()
if root.tag != '{http://www.w3.org/2000/svg}svg':
    sys.exit(f"{path}: root element is {root.tag}")
texts = {''.join(e.itertext()).strip() for e in root.iter()}
missing = [w for w in want if not any(t.startswith(w) for t in texts)]
if missing:
    sys.exit(f"{path}: no text {missing}")
PY
}

bench_plot() {
	local prof=$1 rc
	"$OOMLAB" bench --json "$TMP/result.json" --plot "$TMP/plots" "$prof" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" = 0 ] || { sed 's/^/    /' "$TMP/out" "$TMP/err"; fail "$prof: exit $rc"; }
	grep -q "^plot: $TMP/plots/bench-" "$TMP/out" || fail "$prof: no plot: line on stdout"
}

# the timeline: samples, in time order, from before the trigger to after it
timeline_ok() {
	jq -e '.bench.timeline | length > 10' "$TMP/result.json" >/dev/null ||
		fail "$1: timeline has $(jget '.bench.timeline | length') samples"
	jq -e '[.bench.timeline[].t_ms] | . as $t | [range(1; length)] | all($t[.] > $t[. - 1])' \
		"$TMP/result.json" >/dev/null || fail "$1: timeline not in time order"
	jq -e '[.bench.events[].t_ms] | . == sort' "$TMP/result.json" >/dev/null ||
		fail "$1: events not in time order"
	jq -e '.bench.timeline[0].t_ms < 0 and .bench.timeline[-1].t_ms > 0' \
		"$TMP/result.json" >/dev/null || fail "$1: timeline does not span the trigger"
}

bench_plot "$TOP/profiles/bench/anon-oom.ini"
timeline_ok anon-oom
jq -e '.bench.kill_chain[0] | .usage_drop_ms != null and .kmsg_ms != null
	and .usage_drop_ms >= .kmsg_ms' "$TMP/result.json" >/dev/null ||
	fail "anon-oom: usage_drop_ms missing or before the kill line: $(jq -c '.bench.kill_chain[0]' "$TMP/result.json")"
echo "    anon-oom kill chain: $(jq -c '.bench.kill_chain[0] | del(.victim, .pid)' "$TMP/result.json")"
jq -e '[.bench.events[].kind] | index("kmsg_kill") and index("usage_drop") and index("pidfd")' \
	"$TMP/result.json" >/dev/null || fail "anon-oom: the kill chain is not on the timeline"
svg_has "$TMP/plots/bench-anon-oom-cdf.svg" "faults below the limit: " "fraction at or below (CDF)"
svg_has "$TMP/plots/bench-anon-oom-timeline.svg" "memcg usage" "big" "small" "limit 96.0M" \
	"kill big" "usage drop"

bench_plot "$TOP/profiles/bench/cache-reclaim.ini"
timeline_ok cache-reclaim
# anon starts 2 s after cache: the samples must cover cache's fill too
jq -e '.bench.timeline[0].t_ms < -1500' "$TMP/result.json" >/dev/null ||
	fail "cache-reclaim: the timeline begins at $(jget '.bench.timeline[0].t_ms') ms, after the start_delay"
svg_has "$TMP/plots/bench-cache-reclaim-cdf.svg" "faults while reclaiming: "
svg_has "$TMP/plots/bench-cache-reclaim-timeline.svg" "cache" "anon" "kill anon"
if [ "$(jget '.bench.stalls.missing // empty')" = "" ]; then
	svg_has "$TMP/plots/bench-cache-reclaim-cdf.svg" "memcg reclaim stalls: "
	svg_has "$TMP/plots/bench-cache-reclaim-timeline.svg" "memcg reclaim stall"
fi

# without gnuplot: the document, the data and the scripts, and the reason
mkdir "$TMP/nobin" "$TMP/p2"
PATH="$TMP/nobin" "$OOMLAB" bench --json "$TMP/result.json" --plot "$TMP/p2" \
	"$TOP/profiles/bench/anon-oom.ini" >"$TMP/out" 2>"$TMP/err" ||
	{ sed 's/^/    /' "$TMP/err"; fail "no gnuplot: the run itself failed"; }
grep -q "plot: missing: gnuplot is not installed" "$TMP/err" ||
	fail "no gnuplot: no reason given: $(cat "$TMP/err")"
[ "$(jget '.bench.kill_chain | length')" -ge 1 ] || fail "no gnuplot: no document"
[ -s "$TMP/p2/bench-anon-oom-timeline.gp" ] && [ -s "$TMP/p2/bench-anon-oom-cdf.dat" ] ||
	fail "no gnuplot: the scripts and data are missing"
[ ! -e "$TMP/p2/bench-anon-oom-cdf.svg" ] || fail "no gnuplot: an SVG from nowhere"

# bad input: a limit the workers cannot fill and no kill to wait for
cat >"$TMP/noreach.ini" <<'EOF'
[profile]
memory_limit = 256M
[worker small]
pattern = mmap
size = 32M
expect = survives
EOF
"$OOMLAB" bench --json "$TMP/result.json" "$TMP/noreach.ini" >"$TMP/out" 2>&1
rc=$?
[ "$rc" = 2 ] || { sed 's/^/    /' "$TMP/out"; fail "noreach: exit $rc, expected 2 (BROK)"; }
[ "$(jget .verdict)" = broken ] || fail "noreach: verdict $(jget .verdict)"
reason=$(jget .reason)
case $reason in
*"cannot reach reclaim"*"256.0M"*"32.0M"*) ;;
*) fail "noreach: the reason lacks the figures: $reason" ;;
esac
[ "$(jget '.workers | length')" = 0 ] || fail "noreach: workers were started"
# a command without a size: only the run can tell, after the ramp
cat >"$TMP/cmd.ini" <<'EOF'
[profile]
memory_limit = 256M
timeout = 20s
[worker idle]
command = sleep 30
expect = survives
EOF
"$OOMLAB" bench --json "$TMP/result.json" "$TMP/cmd.ini" >"$TMP/out" 2>&1
rc=$?
[ "$rc" = 2 ] || { sed 's/^/    /' "$TMP/out"; fail "cmd: exit $rc, expected 2 (BROK)"; }
case $(jget .reason) in
*"cannot reach reclaim: the memcg's usage peaked at "*" of its limit 256.0M during the ramp"*) ;;
*) fail "cmd: not the measured figures: $(jget .reason)" ;;
esac
"$OOMLAB" run --plot "$TMP/p3" "$TMP/noreach.ini" >/dev/null 2>&1
[ $? = 2 ] || fail "--plot on oomlab run is not refused"
assert_clean
