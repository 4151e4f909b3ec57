#!/bin/bash
# harness/cgroup.c on the real kernel (cmocka): create, attach, memcg OOM,
# counters, v1 EBUSY, removal, stale cleanup. See test-cgroup-live.c.
. "$(dirname "$0")/lib.sh"
need_root
make -s -C "$TOP" build/tests/integration/cgroup-live >/dev/null || fail "build"
"$TOP/build/tests/integration/cgroup-live"
rc=$?
[ $rc = 77 ] && skip "no usable memory cgroup"
[ $rc = 0 ] || fail "test-cgroup-live: $rc failed"
