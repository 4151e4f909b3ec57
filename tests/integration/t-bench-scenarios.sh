#!/bin/bash
# The issue 9 scenarios of this host beyond cache-reclaim: dirty-cache's
# anon faults meet reclaim and (with tracefs) memcg reclaim stalls, the
# kernel met dirty or writeback folios (nr_vmscan_immediate_reclaim);
# thp's huge-page faults (one sample per 2 MiB) land in the reclaim phase
# and the system counted huge page faults; anon-oom's kill chain
# decomposed from the trace: SIGKILL taken, exit begun, the last switch,
# then the pidfd, in that order on one clock.
. "$(dirname "$0")/lib.sh"
need_root

bench() { # PROFILE [EXIT...]: the exit codes accepted (default 0)
	local prof=$1 rc ok=${*:2}
	"$OOMLAB" bench --json "$TMP/result.json" "$prof" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	sed 's/^/    /' "$TMP/out"
	case " ${ok:-0} " in *" $rc "*) ;; *) sed 's/^/    /' "$TMP/err"; fail "$prof: exit $rc" ;; esac
}
traced() { [ "$(jget '.bench.stalls.missing // empty')" = "" ]; }

bench "$TOP/profiles/bench/dirty-cache.ini"
[ "$(jget '.bench.per_worker.anon.phases.reclaim.count')" -gt 0 ] ||
	fail "dirty-cache: the anon worker's faults are not in the reclaim phase"
[ "$(jget '.bench.stat_delta.system.nr_vmscan_immediate_reclaim // 0')" -gt 0 ] ||
	fail "dirty-cache: reclaim met no dirty or writeback folio"
if traced; then
	[ "$(jget '.bench.stalls.memcg_reclaim.count')" -gt 0 ] || fail "dirty-cache: no memcg reclaim stalls"
fi

bench "$TOP/profiles/bench/thp.ini"
# 96M of THP: 48 extents, one timed first touch each
n=$(jget '[.bench.per_worker.huge.phases[].count] | add')
[ "$n" = 48 ] || fail "thp: $n huge-page samples, expected 48"
[ "$(jget '.bench.per_worker.huge.phases.reclaim.count')" -gt 0 ] ||
	fail "thp: no huge-page fault in the reclaim phase"
[ "$(jget '.bench.stat_delta.system.thp_fault_alloc // 0')" -gt 0 ] || fail "thp: no thp_fault_alloc"

# FAIL (1) too: seen once in ~30 runs on this shared machine, small was
# killed 0.1 ms after big's last switch, by the same OOM episode (not
# explained yet; one way it can happen: another process holding big's mm,
# as a reader of /proc/PID/cmdline does, delays exit_mmap past big's exit,
# and the next OOM finds no victim pending). The first victim's chain is
# what is checked here; t-bench.sh checks the verdict.
bench "$TOP/profiles/bench/anon-oom.ini" 0 1
[ "$(jget '.bench.kill_chain[0].victim')" = big ] || fail "anon-oom: the first victim is not big"
if traced; then
	# sigkill may come a few us before mark_victim (the signal is sent
	# first); the pidfd is readable in exit_notify, a few us before the
	# last switch: 0.1 ms of slack there
	jq -e '.bench.kill_chain[0] | .sigkill_ms != null and .exit_ms != null and .dead_ms != null
		and .sigkill_ms >= .mark_victim_ms - 0.1 and .exit_ms >= .sigkill_ms
		and .dead_ms >= .exit_ms and .pidfd_ms >= .dead_ms - 0.1
		and .poll_ms != null' "$TMP/result.json" >/dev/null ||
		fail "anon-oom: kill chain not decomposed in order: $(jq -c '.bench.kill_chain[0]' "$TMP/result.json")"
else
	echo "    stalls missing: $(jget '.bench.stalls.missing')"
fi
assert_clean
