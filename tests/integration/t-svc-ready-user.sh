# ready_cmd runs as the worker (issue 8): with the worker's uid, gid and
# caps (the child API's pre-exec hook the worker's own spawn uses), so a
# check of its socket or data directory sees what the worker sees. The
# fixture's ready_cmd holds only as nobody without capabilities: run as
# the harness (root, full caps) it never does and the run is BROK.
. "$(dirname "$0")/lib.sh"
need_root
id nobody >/dev/null 2>&1 || skip "no user nobody"
run_profile "$TOP/tests/fixtures/services/ready-as-user.ini" 0
[ "$(jget '.workers[] | select(.name == "svc") | .uid')" = "$(id -u nobody)" ] ||
	fail "svc ran as uid $(jget '.workers[] | select(.name == "svc") | .uid')"
[ "$(jget '.workers[] | select(.name == "hog") | .kill_order')" = 1 ] || fail "hog not killed"
assert_clean
