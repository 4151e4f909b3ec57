#!/bin/bash
# oomlab bench on this host (issue 9): cache-reclaim's anon faults land in
# the reclaim phase, the kernel reclaimed (pgsteal) and, with tracefs, the
# memcg reclaim stalls were paired; anon-oom's kill chain has the kernel's
# kill line and the pidfd, in that order, after the trigger.
. "$(dirname "$0")/lib.sh"
need_root

bench() {
	local prof=$1 rc
	"$OOMLAB" bench --json "$TMP/result.json" "$prof" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	sed 's/^/    /' "$TMP/out"
	[ "$rc" = 0 ] || { sed 's/^/    /' "$TMP/err"; fail "$prof: exit $rc"; }
	grep -q '^reclaim ' "$TMP/out" || fail "$prof: no per-phase table on stdout"
}

bench "$TOP/profiles/bench/cache-reclaim.ini"
n=$(jget '.bench.phases.reclaim.count')
[ "$n" -gt 0 ] || fail "cache-reclaim: no reclaim-phase samples"
[ "$(jget '.bench.per_worker.anon.phases.reclaim.count')" -gt 0 ] ||
	fail "cache-reclaim: the anon worker's faults are not in the reclaim phase"
# v1's memory.stat has no pgsteal: then /proc/vmstat's (memcg limit
# reclaim counts there in pgsteal_anon/file)
steal=$(jget '.bench.stat_delta.memcg.pgsteal // .bench.stat_delta.system.pgsteal // 0')
[ "$steal" -gt 0 ] || fail "cache-reclaim: pgsteal did not move"
if [ "$(jget '.bench.stalls.missing // empty')" = "" ]; then
	[ "$(jget '.bench.stalls.memcg_reclaim.count')" -gt 0 ] ||
		fail "cache-reclaim: no memcg reclaim stalls in the trace"
else
	echo "    stalls missing: $(jget '.bench.stalls.missing')"
fi
[ "$(jget '.bench.psi.scope')" != null ] || fail "cache-reclaim: no PSI"

bench "$TOP/profiles/bench/anon-oom.ini"
[ "$(jget '.bench.kill_chain | length')" -ge 1 ] || fail "anon-oom: no kill chain"
[ "$(jget '.bench.kill_chain[0].victim')" = big ] || fail "anon-oom: the victim is not big"
jq -e '.bench.kill_chain[0] | .kmsg_ms != null and .pidfd_ms != null
	and .kmsg_ms >= 0 and .kmsg_ms <= .pidfd_ms' "$TMP/result.json" >/dev/null ||
	fail "anon-oom: kill chain incomplete or out of order: $(jq -c '.bench.kill_chain[0]' "$TMP/result.json")"
[ "$(jget '.bench.phases.below_limit.count')" -gt 0 ] || fail "anon-oom: no below_limit samples"
assert_clean
