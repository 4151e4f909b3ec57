#!/bin/bash
# VM: the limit and sysrq triggers take one step per victim: three kills by
# lowering memory.max (v2) in adj order, two sysrq-f kills biggest first.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
vm_run 0 "$TOP/profiles/vm/limit-steps.ini" "$TOP/profiles/vm/sysrq-steps.ini"
f=$(vm_result limit-steps)
order=$(jq -r '[.workers | map(select(.killed)) | sort_by(.kill_order)[] | .name] | join(",")' "$f")
[ "$order" = a,b,c ] || fail "limit: kill order $order"
jq -r '.kills[].line' "$f" | grep -c '^Memory cgroup out of memory' | grep -qx 3 || fail "limit: not 3 memcg kills"
f=$(vm_result sysrq-steps)
order=$(jq -r '[.workers | map(select(.killed)) | sort_by(.kill_order)[] | .name] | join(",")' "$f")
[ "$order" = a,b ] || fail "sysrq: kill order $order"
[ "$(jq -r '.workers[] | select(.name == "c") | .killed' "$f")" = false ] || fail "sysrq: c was killed"
vm_assert_clean
