# Equal adj: the biggest RSS dies first.
. "$(dirname "$0")/lib.sh"
need_root
run_profile "$TOP/profiles/size-ranking.ini" 0
order=$(jget '[.workers | map(select(.killed)) | sort_by(.kill_order)[] | .name] | join(",")')
[ "$order" = "big,mid,small" ] || fail "kill order $order"
assert_clean
