# Shared by the integration tests: each test is a script that exits 0 (ok),
# 1 (not ok) or 77 (skip) and prints why.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OOMLAB="$TOP/build/oomlab"
TMP=$(mktemp -d /tmp/oomlab-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

fail() { echo "  FAIL: $*"; exit 1; }
skip() { echo "  SKIP: $*"; exit 77; }

need_root() {
	[ "$(id -u)" = 0 ] || skip "needs root (memory cgroups, /dev/kmsg)"
}

# Our own memory cgroup (v1 or v2), where run cgroups are created.
our_memcg() {
	local v1 rel
	v1=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
	if [ -n "$v1" ]; then
		echo "/sys/fs/cgroup/memory$v1"
	else
		rel=$(awk -F: '$1 == "0" {print $3}' /proc/self/cgroup)
		echo "/sys/fs/cgroup$rel"
	fi
}

# Nothing may be left behind: no run cgroup, no worker process.
assert_clean() {
	local left
	left=$(find "$(our_memcg)" -maxdepth 1 -type d -name 'oomlab-*' 2>/dev/null)
	[ -z "$left" ] || fail "cgroup left behind: $left"
	# Only this tree's workers: the machine is shared with other checkouts
	# whose runs start workers of their own at the same time.
	if pgrep -f "^$TOP/build/oomlab-worker( |\$)" >/dev/null; then
		fail "worker process left behind: $(pgrep -af "^$TOP/build/oomlab-worker")"
	fi
}

# run_profile PROFILE EXPECTED_EXIT: runs oomlab, keeps stdout in $TMP/out
# and the JSON in $TMP/result.json.
run_profile() {
	local prof=$1 want=$2 rc
	"$OOMLAB" run --json "$TMP/result.json" "$prof" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		cat "$TMP/out" "$TMP/err" | sed 's/^/    /'
		fail "$prof: exit $rc, expected $want"
	fi
}

jget() { jq -r "$1" "$TMP/result.json"; }

# live_in_memcg NAME LIMIT: build tests/integration/test-NAME-live.c, make
# a scratch memcg of ours limited to LIMIT (v1 or v2 knob) and run the
# binary with the worker and that memcg; its output is in $TMP/out (and
# shown), its exit code in $rc, the memcg in $cg (removed at exit).
live_in_memcg() {
	local name=$1 limit=$2 base knob
	make -s -C "$TOP" "build/tests/integration/$name-live" >/dev/null || fail "build"
	base=$(our_memcg)
	cg=$base/oomlab-$name-$$
	if [ -f "$base/memory.limit_in_bytes" ]; then
		knob=memory.limit_in_bytes
	elif grep -qw memory "$base/cgroup.controllers" 2>/dev/null; then
		knob=memory.max
	else
		skip "no memory cgroup controller"
	fi
	mkdir "$cg" || fail "cannot create $cg"
	trap 'rmdir "$cg" 2>/dev/null; rm -rf "$TMP"' EXIT
	echo "$limit" >"$cg/$knob" || fail "cannot limit $cg"
	"$TOP/build/tests/integration/$name-live" "$TOP/build/oomlab-worker" "$cg" >"$TMP/out" 2>&1
	rc=$?
	sed 's/^/    /' "$TMP/out"
}
