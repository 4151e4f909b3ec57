# explain: `oomlab explain` on the kernel's lines of a live run (dmesg from
# the run's start on) reproduces the run's own kill list, in order, and
# the model agrees with every kill of quickstart (adj orders them).
. "$(dirname "$0")/lib.sh"
need_root
start=$(cut -d' ' -f1 /proc/uptime)
# --follow sees the same kills live, as JSON lines
"$OOMLAB" explain --follow --json - >"$TMP/follow.jsonl" 2>"$TMP/follow.err" &
follower=$!
sleep 0.5
run_profile "$TOP/profiles/quickstart.ini" 0
sleep 1.5
kill -INT "$follower"
wait "$follower" || fail "explain --follow exit $?"
# the whole machine's log: other runs' kills are told apart by memcg
dmesg | awk -v s="$start" '{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); if (t + 0 >= s) print }' \
	>"$TMP/dmesg.txt"
"$OOMLAB" explain --json "$TMP/explain.json" "$TMP/dmesg.txt" >"$TMP/explain.out" 2>&1 ||
	fail "explain exit $?"
cg=$(jget '.kills[0].task_memcg')
[ -n "$cg" ] && [ "$cg" != null ] || fail "no task_memcg in the run's kills"
want=$(jget '[.kills[].pid] | join(",")')
got=$(jq -r --arg cg "$cg" '[.events[] | select(.memcg == $cg) | .pid] | join(",")' "$TMP/explain.json")
[ "$got" = "$want" ] || fail "explain's kills $got, the run's $want"
bad=$(jq -r --arg cg "$cg" '[.events[] | select(.memcg == $cg and .model.agrees != true)] | length' \
	"$TMP/explain.json")
[ "$bad" = 0 ] || fail "the model disagrees on $bad of the run's kills"
live=$(jq -rs --arg cg "$cg" '[.[] | select(.memcg == $cg) | .pid] | join(",")' "$TMP/follow.jsonl")
[ "$live" = "$want" ] || fail "explain --follow's kills $live, the run's $want"
# each event carries the kill line's own numbers, as the run recorded them
for pid in $(jget '.kills[].pid'); do
	a=$(jq -r --argjson p "$pid" '.kills[] | select(.pid == $p) | [.anon_rss_kb, .oom_score_adj] | join(",")' \
		"$TMP/result.json")
	b=$(jq -r --argjson p "$pid" '.events[] | select(.pid == $p) | [.anon_rss_kb, .oom_score_adj] | join(",")' \
		"$TMP/explain.json")
	[ "$a" = "$b" ] || fail "pid $pid: run $a, explain $b"
done
assert_clean
