# A forking command worker (issue 8): stress-ng's memory is in a grandchild
# (the --vm stressor's child, at oom_score_adj 1000). Its leaf memcg holds
# the tree: it ramps as soon as the grandchild has touched 80 MiB (before,
# it waited for the parent's own RSS until the timeout and was BROK), and
# the kernel's kill of the grandchild is the worker's first kill.
. "$(dirname "$0")/lib.sh"
need_root
command -v stress-ng >/dev/null || skip "stress-ng is not installed (apt-get install stress-ng)"
run_profile "$TOP/profiles/services/stress-ng-fork.ini" 0
ramp=$(jget .ramp_ms)
# the raw touch of 80 MiB takes ~0.1-0.5 s here; the timeout is 30 s
awk -v r="$ramp" 'BEGIN { exit !(r < 5000) }' || fail "ramp took $ramp ms"
[ "$(jget '.workers[] | select(.name == "sng") | .kill_order')" = 1 ] || fail "sng not killed first"
[ "$(jget '.workers[] | select(.name == "sng") | .killed_comm')" = stress-ng-vm ] ||
	fail "the kill names $(jget '.workers[] | select(.name == "sng") | .killed_comm')"
n=$(jget '.workers[] | select(.name == "sng") | .tree | length')
[ "$n" -ge 3 ] || fail "tree of $n processes"
[ "$(jget '.workers[] | select(.name == "sng") | .tree[] | select(.first_candidate) | .oom_score_adj')" = 1000 ] ||
	fail "the first candidate is not the adj-1000 grandchild"
[ "$(jget '.workers[] | select(.name == "sng") | .tree[0].fate')" != killed ] ||
	fail "the parent was killed, not the grandchild"
grep -q "^ *stress-ng-vm .* killed #1" "$TMP/out" || fail "table has no tree: $(cat "$TMP/out")"
[ "$(jget '.workers[] | select(.name == "small") | .killed')" = false ] || fail "small was killed"
sleep 0.2
pgrep -f "^stress-ng --vm 1 --vm-bytes 80M" >/dev/null &&
	fail "stress-ng left behind: $(pgrep -af '^stress-ng --vm 1 --vm-bytes 80M')"
assert_clean
