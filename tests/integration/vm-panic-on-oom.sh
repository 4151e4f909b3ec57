#!/bin/bash
# VM: vm.panic_on_oom=1 panics instead of killing. The guest cannot
# report: the host reads the panic from the console and writes the
# result itself; the profile runs in a boot of its own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
vm_run 0 "$TOP/profiles/vm/panic-on-oom.ini"
f=$(vm_result panic-on-oom)
[ "$(jq -r .verdict "$f")" = pass ] || fail "verdict $(jq -r .verdict "$f"): $(jq -r .reason "$f")"
[ "$(jq -r .panicked "$f")" = true ] || fail "panicked is not true"
grep -q "Kernel panic - not syncing: Out of memory" "${f%.json}-console.log" ||
	fail "no OOM panic on the console"
vm_assert_clean
