# Host safety: no memory_limit -> refused (2); global trigger, negative adj
# without CAP_SYS_RESOURCE, sysctls -> SKIP (77) with the reason.
. "$(dirname "$0")/lib.sh"
need_root
grep -q oomlab.guest=1 /proc/cmdline && skip "inside an oomlab guest"
printf '[profile]\ntimeout = 5s\n[worker a]\nsize = 10M\n' >"$TMP/nolimit.ini"
"$OOMLAB" run --no-json "$TMP/nolimit.ini" >"$TMP/out" 2>&1
rc=$?
[ $rc = 2 ] || fail "no memory_limit: exit $rc"
grep -q "memory_limit is required" "$TMP/out" || fail "reason: $(cat "$TMP/out")"
printf '[profile]\ntrigger = global\n[worker a]\nsize = 10M\n' >"$TMP/global.ini"
"$OOMLAB" run --no-json "$TMP/global.ini" >"$TMP/out" 2>&1
rc=$?
[ $rc = 77 ] || fail "global trigger on the host: exit $rc"
if ! grep -q 'CapEff:.*' /proc/self/status || [ $(( 0x$(awk '/CapEff/ {print $2}' /proc/self/status) >> 24 & 1 )) = 0 ]; then
	printf '[profile]\nmemory_limit = 64M\n[worker a]\nsize = 10M\noom_score_adj = -500\n' >"$TMP/neg.ini"
	"$OOMLAB" run --no-json "$TMP/neg.ini" >"$TMP/out" 2>&1
	rc=$?
	[ $rc = 77 ] || fail "negative adj without CAP_SYS_RESOURCE: exit $rc"
	grep -q CAP_SYS_RESOURCE "$TMP/out" || fail "reason: $(cat "$TMP/out")"
fi
assert_clean
