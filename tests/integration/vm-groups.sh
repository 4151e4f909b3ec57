#!/bin/bash
# VM (cgroup v2, which the host lacks), one boot for three profiles:
# oom.group on a container inside a pod kills that container whole (its
# -1000 task excepted) and spares the pod's other container; qos =
# guaranteed reads back -997 and outlives burstable (750) and besteffort
# (1000); memory.min and memory.low keep their groups' pages (memory.stat)
# while the plain group is swapped out to zram and killed.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
vm_run 0 "$TOP/profiles/vm/group-oom-group.ini" "$TOP/profiles/vm/qos-guaranteed.ini" \
	"$TOP/profiles/vm/group-protection.ini"

f=$(vm_result group-oom-group)
[ "$(jq -r .verdict "$f")" = pass ] || fail "oom.group: $(jq -r .reason "$f")"
[ "$(jq -r .cgroup_version "$f")" = 2 ] || fail "not cgroup v2 in the guest"
[ "$(jq -r '.domain.oom_group_kill' "$f")" = app ] || fail "no oom.group kill predicted"
killed=$(jq -r '[.workers[] | select(.killed) | .name] | sort | join(",")' "$f")
[ "$killed" = app-helper,app-main ] || fail "oom.group killed $killed"
# the kernel's own record: the OOM was the pod's, its victim in pod/app
# (the group's other kills are logged without an oom-kill: line)
case $(jq -r '.kills[0].oom_memcg + " " + .kills[0].task_memcg' "$f") in
*/pod" "*/pod/app/w-app-main) ;;
*) fail "first kill: $(jq -c '.kills[0] | [.oom_memcg, .task_memcg]' "$f")" ;;
esac
[ "$(jq -r '[.kills[] | .name] | sort | join(",")' "$f")" = app-helper,app-main ] ||
	fail "kernel kills: $(jq -c '[.kills[] | .name]' "$f")"

f=$(vm_result qos-guaranteed)
[ "$(jq -r .verdict "$f")" = pass ] || fail "qos: $(jq -r .reason "$f")"
adj=$(jq -r '[.workers[] | .oom_score_adj | tostring] | join(",")' "$f")
[ "$adj" = -997,750,1000 ] || fail "read-back adj $adj, expected -997,750,1000"

f=$(vm_result group-protection)
[ "$(jq -r .verdict "$f")" = pass ] || fail "protection: $(jq -r .reason "$f")"
for g in guarded shielded; do
	kept=$(jq -r ".groups[] | select(.name == \"$g\") | .memory_at_end.anon_bytes" "$f")
	[ "$kept" -ge $((22 * 1024 * 1024)) ] || fail "$g holds $kept bytes of anon at the end"
done
# reclaim did run: the unprotected worker was killed with part of its 16M swapped out
rss=$(jq -r '.kills[] | select(.name == "plain") | .anon_rss_kb' "$f")
[ "$rss" -lt $((15 * 1024)) ] || fail "plain was not swapped out (anon-rss ${rss}kB)"
vm_assert_clean
