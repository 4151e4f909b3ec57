#!/bin/bash
# --model 2.6.35 replays the old heuristic on the same real run: it would
# have killed the nice-19 worker; the kernel (>= 4.17) killed `admin`. The
# verdict still judges the kernel, and the notes say the model disagrees.
. "$(dirname "$0")/lib.sh"
need_root
"$OOMLAB" run --model 2.6.35 --json "$TMP/result.json" "$TOP/profiles/negative-controls.ini" \
	>"$TMP/out" 2>&1 || fail "exit $?: $(cat "$TMP/out")"
[ "$(jget .era.model)" = 2.6.35 ] && [ "$(jget .era.forced)" = true ] || fail "forced era not recorded: $(jget .era)"
[ "$(jget '.workers[] | select(.name == "nice19") | .predicted_rank')" = 1 ] ||
	fail "2.6.35 model did not rank nice19 first"
[ "$(jget '.workers[] | select(.name == "admin") | .kill_order')" = 1 ] || fail "admin not killed"
assert_clean
