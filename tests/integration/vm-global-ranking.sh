#!/bin/bash
# VM: a global OOM (no memcg) in a 256M guest kills the biggest worker
# first; the kernel's own "Out of memory: Killed process" names it.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
vm_run 0 "$TOP/profiles/vm/global-ranking.ini"
f=$(vm_result global-ranking)
[ "$(jq -r .verdict "$f")" = pass ] || fail "verdict $(jq -r .verdict "$f"): $(jq -r .reason "$f")"
[ "$(jq -r .kernel "$f")" = "$VM_KERNEL" ] || fail "kernel $(jq -r .kernel "$f"), booted $VM_KERNEL"
[ "$(jq -r '.workers[] | select(.name == "big") | .kill_order' "$f")" = 1 ] ||
	fail "big was not the first victim"
jq -r '.kills[].line' "$f" | grep -q '^Out of memory: Killed process [0-9]* (big)' ||
	fail "no global (non-memcg) kill record for big: $(jq -c .kills "$f")"
vm_assert_clean
