#!/bin/bash
# VM: oom_score_adj -1000 and legacy oom_adj -17 (which the host cannot
# set: no CAP_SYS_RESOURCE) protect the two biggest from a global OOM.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
vm_run 0 "$TOP/profiles/vm/negative-adj.ini"
f=$(vm_result negative-adj)
[ "$(jq -r .verdict "$f")" = pass ] || fail "verdict $(jq -r .verdict "$f"): $(jq -r .reason "$f")"
for w in immune legacy; do
	[ "$(jq -r ".workers[] | select(.name == \"$w\") | .killed" "$f")" = false ] ||
		fail "$w was killed despite a negative adj"
done
[ "$(jq -r '.workers[] | select(.name == "plain") | .kill_order' "$f")" = 1 ] ||
	fail "plain was not the first victim"
vm_assert_clean
