#!/bin/bash
# VM (cgroup v2): a forking service in its leaf beside a pattern worker;
# every worker and the pressure process live in leaves (no internal
# processes), the hog dies, the service's tree survives whole.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
vm_run 0 "$TOP/tests/fixtures/services/v2-leaves.ini"
f=$(vm_result v2-leaves)
[ "$(jq -r .verdict "$f")" = pass ] || fail "verdict $(jq -r .verdict "$f"): $(jq -r .reason "$f")"
[ "$(jq -r '.workers[] | select(.name == "svc") | .tree | length' "$f")" = 2 ] ||
	fail "svc tree: $(jq -c '.workers[] | select(.name == "svc") | .tree' "$f")"
[ "$(jq -r '.workers[] | select(.name == "hog") | .kill_order' "$f")" = 1 ] || fail "hog not killed"
vm_assert_clean
