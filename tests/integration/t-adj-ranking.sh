# Equal sizes, adj 750/500/250/0: killed in adj order.
. "$(dirname "$0")/lib.sh"
need_root
run_profile "$TOP/profiles/adj-ranking.ini" 0
order=$(jget '[.workers | map(select(.killed)) | sort_by(.kill_order)[] | .name] | join(",")')
[ "$order" = "a750,a500,a250,a0" ] || fail "kill order $order"
assert_clean
