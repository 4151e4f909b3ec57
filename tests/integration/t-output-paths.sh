# Output paths are checked before anything starts (issue 7, defect 6): a
# path that cannot take the result is exit 2 with a message naming the
# path, and no worker, cgroup or result exists.
. "$(dirname "$0")/lib.sh"
ms() { echo $(($(date +%s%N) / 1000000)); }

# bad OPTION PATH: run quickstart with OPTION PATH; must refuse at once.
bad() {
	local t0 took rc
	t0=$(ms)
	"$OOMLAB" run "$@" "$TOP/profiles/quickstart.ini" >"$TMP/out" 2>&1
	rc=$?
	took=$(($(ms) - t0))
	[ $rc = 2 ] || fail "$*: exit $rc, expected 2: $(cat "$TMP/out")"
	grep -qF -- "$1 $2" "$TMP/out" || fail "$*: the message does not name the path: $(cat "$TMP/out")"
	grep -q "quickstart" "$TMP/out" && fail "$*: the message names the profile: $(cat "$TMP/out")"
	grep -q "^== " "$TMP/out" && fail "$*: the run started"
	[ $took -lt 2000 ] || fail "$*: took $took ms: something ran"
	return 0
}

bad --json /proc/x.json
bad --results-dir /etc/passwd
bad --results-dir /etc/passwd/sub
bad --junit /proc/x.xml
bad --junit "$TMP/no/such/dir/x.xml"
bad --json "$TMP"
bad --json /dev/null
# --json's and --results-dir's directories are created when missing;
# --no-json writes nothing, so no --results-dir to check
"$OOMLAB" check "$TOP/profiles/quickstart.ini" >/dev/null || fail "check failed"
mkdir -p "$TMP/ro" && chmod 555 "$TMP/ro"
if [ "$(id -u)" != 0 ]; then
	bad --results-dir "$TMP/ro/sub"
fi
# the claims suite and vm run check theirs before their first run or boot
for opt in --json --markdown; do
	"$OOMLAB" claims "$opt" /proc/x.out >"$TMP/out" 2>&1
	rc=$?
	[ $rc = 2 ] || fail "claims $opt /proc/x.out: exit $rc"
	grep -qF -- "$opt /proc/x.out" "$TMP/out" || fail "claims $opt: $(cat "$TMP/out")"
	grep -q "run 1/" "$TMP/out" && fail "claims $opt /proc/x.out: a claim ran"
done
if command -v qemu-system-x86_64 >/dev/null && command -v busybox >/dev/null; then
	"$OOMLAB" vm run --results-dir /etc/passwd "$TOP/profiles/vm/global-ranking.ini" \
		>"$TMP/out" 2>&1
	rc=$?
	[ $rc = 2 ] || fail "vm run --results-dir /etc/passwd: exit $rc"
	grep -qF -- "--results-dir /etc/passwd" "$TMP/out" || fail "vm run: $(cat "$TMP/out")"
fi
[ -e /etc/passwd/sub ] && fail "created something under /etc/passwd"
[ "$(id -u)" = 0 ] && assert_clean
exit 0
