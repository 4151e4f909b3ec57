#!/bin/bash
# A wrong expectation is a FAIL (exit 1) with an explanation naming the
# victim, the expected one and the model's numbers.
. "$(dirname "$0")/lib.sh"
need_root
sed -e 's/^\(\[worker big\]\)$/\1/' "$TOP/profiles/size-ranking.ini" |
	awk '/^\[worker big\]/ { w = "big" } /^\[worker small\]/ { w = "small" }
	     /^expect/ && w == "big" { print "expect = survives"; next }
	     /^expect/ && w == "small" { print "expect = killed 1"; next }
	     /^expect/ { print "expect = any"; next } { print }' >"$TMP/wrong.ini"
run_profile "$TMP/wrong.ini" 1
[ "$(jget .verdict)" = fail ] || fail "verdict $(jget .verdict)"
jget .reason | grep -q "big" || fail "reason does not name the victim: $(jget .reason)"
jget '.notes[]' | grep -q "points" || fail "no note with the model's points"
grep -q "FAIL" "$TMP/out" || fail "table does not say FAIL"
assert_clean
