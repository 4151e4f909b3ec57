# Bad input: exit 2 with FILE:LINE: field, and nothing is started.
. "$(dirname "$0")/lib.sh"
printf '[profile]\nmemory_limit = 256M\n\n[worker a]\nsize = 12XB\n' >"$TMP/bad.ini"
"$OOMLAB" run "$TMP/bad.ini" >"$TMP/out" 2>&1
rc=$?
[ $rc = 2 ] || fail "exit $rc, expected 2"
grep -q "bad.ini:5: size" "$TMP/out" || fail "message lacks FILE:LINE: field: $(cat "$TMP/out")"
printf '[profile]\nmemory_limit = 256M\n[worker a]\nsize = 10M\noom_score_adj = 1001\n' >"$TMP/adj.ini"
"$OOMLAB" run "$TMP/adj.ini" >"$TMP/out" 2>&1
[ $? = 2 ] || fail "adj 1001 accepted"
grep -q "adj.ini:5: oom_score_adj" "$TMP/out" || fail "adj message: $(cat "$TMP/out")"
# a good profile after a bad one: still nothing runs
"$OOMLAB" run "$TOP/profiles/quickstart.ini" "$TMP/bad.ini" >"$TMP/out" 2>&1
[ $? = 2 ] || fail "a bad profile in the list did not stop the run"
grep -q "== " "$TMP/out" && fail "a profile ran although another was invalid"
[ "$(id -u)" = 0 ] && assert_clean
exit 0
