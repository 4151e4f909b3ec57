#!/bin/bash
# VM: memory.oom.group=1 (cgroup v2, which the host lacks) kills every
# task of the memcg together when memory.max is lowered below usage.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
vm_run 0 "$TOP/profiles/vm/oom-group.ini"
f=$(vm_result oom-group)
[ "$(jq -r .verdict "$f")" = pass ] || fail "verdict $(jq -r .verdict "$f"): $(jq -r .reason "$f")"
[ "$(jq -r .cgroup_version "$f")" = 2 ] || fail "not cgroup v2 in the guest"
[ "$(jq '[.workers[] | select(.killed)] | length' "$f")" = 3 ] || fail "not all three killed"
grep -q "memory.oom.group" "${f%.json}-console.log" ||
	fail "the kernel did not log the group kill on the console"
vm_assert_clean
