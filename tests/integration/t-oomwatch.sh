#!/bin/bash
# harness/oomwatch.c on the real kernel: the memcg's OOM notification
# (v1 eventfd through cgroup.event_control, v2 memory.events) fires when a
# 64M worker meets a 32M limit. See test-oomwatch-live.c.
. "$(dirname "$0")/lib.sh"
need_root
live_in_memcg oomwatch 32M
[ $rc = 0 ] || fail "test-oomwatch-live: exit $rc"
rmdir "$cg" || fail "cannot remove $cg"
assert_clean
