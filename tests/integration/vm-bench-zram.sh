#!/bin/bash
# VM: oomlab vm bench on profiles/bench/zram-swap.ini: anon beyond the
# memcg's limit goes out to zram swap (pswpout > 0 in the guest's
# /proc/vmstat delta), the workers' faults meanwhile land in the swap
# phase, then the memcg OOM kills big. The guest is cgroup v2, so PSI is
# the run cgroup's own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
VM_CMD=bench vm_run 0 "$TOP/profiles/bench/zram-swap.ini"
f=$(vm_result zram-swap)
[ "$(jq -r .verdict "$f")" = pass ] || fail "verdict $(jq -r .verdict "$f"): $(jq -r .reason "$f")"
[ "$(jq -r '.bench | type' "$f")" = object ] || fail "no bench section in $f"
out=$(jq -r '.bench.stat_delta.system.pswpout // 0' "$f")
[ "$out" -gt 0 ] || fail "no swap-out: pswpout delta $out ($(jq -c .bench.stat_delta.system "$f"))"
n=$(jq -r '.bench.phases.swap.count' "$f")
[ "$n" -gt 0 ] || fail "no swap-phase samples ($(jq -c '.bench.phases | map_values(.count)' "$f"))"
[ "$(jq -r .bench.psi.scope "$f")" = cgroup ] || fail "PSI scope $(jq -r .bench.psi.scope "$f"), guest is v2"
# tracefs in the guest (the cloud kernel has it): the memcg's reclaim
# stalls were paired
if [ "$(jq -r '.bench.stalls.missing // empty' "$f")" = "" ]; then
	[ "$(jq -r .bench.stalls.memcg_reclaim.count "$f")" -gt 0 ] || fail "no memcg reclaim stalls"
fi
grep -q "^swap " "$TMP/out" || fail "vm bench printed no phase table: $(cat "$TMP/out")"
vm_assert_clean
echo "  ok: pswpout $out pages, $n swap-phase faults (p99 $(jq -r '.bench.phases.swap.p99_ns / 1000' "$f") us)"
