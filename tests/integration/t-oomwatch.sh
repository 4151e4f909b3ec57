#!/bin/bash
# harness/oomwatch.c on the real kernel: the memcg's OOM notification
# (v1 eventfd through cgroup.event_control, v2 memory.events) fires when a
# 64M worker meets a 32M limit. See test-oomwatch-live.c.
. "$(dirname "$0")/lib.sh"
need_root
make -s -C "$TOP" build/tests/integration/oomwatch-live >/dev/null || fail "build"
base=$(our_memcg)
cg=$base/oomlab-oomwatch-$$
if [ -f "$base/memory.limit_in_bytes" ]; then
	knob=memory.limit_in_bytes
elif grep -qw memory "$base/cgroup.controllers" 2>/dev/null; then
	knob=memory.max
else
	skip "no memory cgroup controller"
fi
mkdir "$cg" || fail "cannot create $cg"
trap 'rmdir "$cg" 2>/dev/null; rm -rf "$TMP"' EXIT
echo 32M >"$cg/$knob" || fail "cannot limit $cg"
"$TOP/build/tests/integration/oomwatch-live" "$TOP/build/oomlab-worker" "$cg" >"$TMP/out" 2>&1
rc=$?
sed 's/^/    /' "$TMP/out"
[ $rc = 0 ] || fail "test-oomwatch-live: exit $rc"
rmdir "$cg" || fail "cannot remove $cg"
assert_clean
