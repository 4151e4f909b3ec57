#!/bin/bash
# VM: with rlimit.memlock = 48M an mlock worker as user nobody locks its
# 32 MiB (the guest's harness has CAP_SYS_RESOURCE to raise the limit).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
vm_run 0 "$TOP/profiles/services/mlock-memlock.ini"
f=$(vm_result mlock-memlock)
[ "$(jq -r .verdict "$f")" = pass ] || fail "verdict $(jq -r .verdict "$f"): $(jq -r .reason "$f")"
rss=$(jq -r '.workers[] | select(.name == "locked") | .rss_bytes_at_trigger' "$f")
[ "$rss" -ge $((30 << 20)) ] || fail "locked holds $rss bytes"
vm_assert_clean
