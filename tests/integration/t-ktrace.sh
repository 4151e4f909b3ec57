#!/bin/bash
# harness/ktrace.c on the real kernel: a private tracefs instance sees the
# memcg reclaim of one task reading a 96M file into a 32M memcg.
# See test-ktrace-live.c. SKIPs without tracefs.
. "$(dirname "$0")/lib.sh"
need_root
live_in_memcg ktrace 32M
[ $rc = 77 ] && skip "$(sed -n 's/^SKIP: //p' "$TMP/out")"
[ $rc = 0 ] || fail "test-ktrace-live: exit $rc"
# the instance is named by the binary's pid (oomlab-test-PID) and it checks
# that its own is gone ("instance removed"): a glob over oomlab-test-* here
# would also see another session's test running at the same moment
grep -q "^ok: instance removed" "$TMP/out" || fail "tracefs instance left behind"
rmdir "$cg" || fail "cannot remove $cg"
assert_clean
