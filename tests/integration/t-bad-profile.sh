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
# [group]s (issue 8): a cycle of parents, an unknown group, burstable
# without request: exit 2, FILE:LINE: field: what, nothing started
printf '[profile]\nmemory_limit = 256M\n[group a]\nparent = b\n[group b]\nparent = a\n[worker w]\nsize = 10M\ngroup = a\n' >"$TMP/cycle.ini"
"$OOMLAB" run "$TMP/cycle.ini" >"$TMP/out" 2>&1
[ $? = 2 ] || fail "a cycle of parents accepted"
grep -q "cycle.ini:4: parent: the parents form a cycle: a -> b -> a" "$TMP/out" ||
	fail "cycle message: $(cat "$TMP/out")"
grep -q "== " "$TMP/out" && fail "the cycle profile ran"
printf '[profile]\nmemory_limit = 256M\n[worker w]\nsize = 10M\nqos = burstable\n' >"$TMP/qos.ini"
"$OOMLAB" check "$TMP/qos.ini" >"$TMP/out" 2>&1
[ $? = 2 ] || fail "burstable without request accepted"
grep -q "qos.ini:5: qos: burstable needs request = SIZE" "$TMP/out" ||
	fail "qos message: $(cat "$TMP/out")"
# a child's limit above its parent's: a warning, and the profile is good
printf '[profile]\nmemory_limit = 256M\n[group p]\nmemory_limit = 64M\n[group c]\nparent = p\nMemoryMax = 128M\n[worker w]\nsize = 10M\ngroup = c\n' >"$TMP/warn.ini"
"$OOMLAB" check "$TMP/warn.ini" >"$TMP/out" 2>&1
[ $? = 0 ] || fail "a child limit above its parent's refused: $(cat "$TMP/out")"
grep -q "warn.ini:7: memory_limit: 128.0M is above p's 64.0M: legal, but p's limit is hit first (warning)" "$TMP/out" ||
	fail "no warning: $(cat "$TMP/out")"
# a good profile after a bad one: still nothing runs
"$OOMLAB" run "$TOP/profiles/quickstart.ini" "$TMP/bad.ini" >"$TMP/out" 2>&1
[ $? = 2 ] || fail "a bad profile in the list did not stop the run"
grep -q "== " "$TMP/out" && fail "a profile ran although another was invalid"
[ "$(id -u)" = 0 ] && assert_clean
exit 0
