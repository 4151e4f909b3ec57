#!/bin/bash
# The worker's per-phase latency histograms in the scoreboard slot: the
# phase word, SIGKILL, --no-latency, fork-tree. See worker-latency.py.
. "$(dirname "$0")/lib.sh"
need_root
"$(dirname "$0")/worker-latency.py"
rc=$?
[ $rc = 77 ] && skip "see above"
[ $rc = 0 ] || fail "worker-latency.py: exit $rc"
assert_clean
