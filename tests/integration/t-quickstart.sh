# quickstart: three real kills in adj order, the kernel's record matches
# the deaths, and the memcg counter counts exactly the kills.
. "$(dirname "$0")/lib.sh"
need_root
run_profile "$TOP/profiles/quickstart.ini" 0
[ "$(jget .verdict)" = pass ] || fail "verdict $(jget .verdict)"
[ "$(jget '[.workers[] | select(.killed)] | length')" = 3 ] || fail "not 3 kills"
order=$(jget '[.workers | sort_by(.kill_order)[] | .name] | join(",")')
[ "$order" = "small,mid,big" ] || fail "kill order $order"
# Every worker kill has the kernel's own line naming its PID.
for pid in $(jget '.workers[].pid'); do
	jq -e --argjson p "$pid" '.kills | any(.pid == $p and (.line | test("Killed process")))' \
		"$TMP/result.json" >/dev/null || fail "no kernel record for pid $pid"
done
assert_clean
