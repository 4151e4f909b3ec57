#!/bin/bash
# harness/ktrace.c on the real kernel: a private tracefs instance sees the
# memcg reclaim of one task writing 96M of page cache into a 32M memcg.
# See test-ktrace-live.c. SKIPs without tracefs.
. "$(dirname "$0")/lib.sh"
need_root
make -s -C "$TOP" build/tests/integration/ktrace-live >/dev/null || fail "build"
base=$(our_memcg)
cg=$base/oomlab-ktrace-$$
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
"$TOP/build/tests/integration/ktrace-live" "$TOP/build/oomlab-worker" "$cg" >"$TMP/out" 2>&1
rc=$?
sed 's/^/    /' "$TMP/out"
[ $rc = 77 ] && skip "$(sed -n 's/^SKIP: //p' "$TMP/out")"
[ $rc = 0 ] || fail "test-ktrace-live: exit $rc"
ls -d /sys/kernel/tracing/instances/oomlab-test-* 2>/dev/null && fail "tracefs instance left behind"
rmdir "$cg" || fail "cannot remove $cg"
assert_clean
