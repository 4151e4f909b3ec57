# explain: `oomlab explain` on the kernel's lines of a live run (dmesg from
# the run's start on) reproduces the run's own kill list, in order, with the
# kill lines' numbers; so does `explain --follow`, live. Where the report
# has its task table the model must agree with every kill (quickstart: adj
# orders them). The log is the whole machine's, and other runs OOM at the
# same time: dump_header() (invoked line, table, oom-kill: line) is
# rate-limited to 10 per 5 s machine-wide, so a kill may come alone, and the
# run's kills are picked out by their PIDs, not by memcg.
. "$(dirname "$0")/lib.sh"
need_root
start=$(cut -d' ' -f1 /proc/uptime)
"$OOMLAB" explain --follow --json - >"$TMP/follow.jsonl" 2>"$TMP/follow.err" &
follower=$!
sleep 0.5
run_profile "$TOP/profiles/quickstart.ini" 0
sleep 1.5
kill -INT "$follower"
wait "$follower" || fail "explain --follow exit $?"
dmesg | awk -v s="$start" '{ t = $0; sub(/^\[ */, "", t); sub(/\].*/, "", t); if (t + 0 >= s) print }' \
	>"$TMP/dmesg.txt"
"$OOMLAB" explain --json "$TMP/explain.json" "$TMP/dmesg.txt" >"$TMP/explain.out" 2>&1 ||
	fail "explain exit $?"
want=$(jget '[.kills[].pid] | join(",")')
[ -n "$want" ] || fail "the run logged no kills"
pids=$(jget '[.kills[].pid]')
got=$(jq -r --argjson p "$pids" '[.events[] | select(.pid as $x | $p | index($x)) | .pid] | join(",")' \
	"$TMP/explain.json")
[ "$got" = "$want" ] || fail "explain's kills $got, the run's $want"
live=$(jq -rs --argjson p "$pids" '[.[] | select(.pid as $x | $p | index($x)) | .pid] | join(",")' \
	"$TMP/follow.jsonl")
[ "$live" = "$want" ] || fail "explain --follow's kills $live, the run's $want"
bad=$(jq -r --argjson p "$pids" \
	'[.events[] | select((.pid as $x | $p | index($x)) and .model.agrees == false)] | length' \
	"$TMP/explain.json")
[ "$bad" = 0 ] || fail "the model disagrees on $bad of the run's kills"
for pid in $(jget '.kills[].pid'); do
	a=$(jq -r --argjson p "$pid" '.kills[] | select(.pid == $p) |
		[.name, .anon_rss_kb, .file_rss_kb, .total_vm_kb, .oom_score_adj, .usec] | join(",")' \
		"$TMP/result.json")
	b=$(jq -r --argjson p "$pid" '.events[] | select(.pid == $p) |
		[.comm, .anon_rss_kb, .file_rss_kb, .total_vm_kb, .oom_score_adj,
		 (.kernel_time_s * 1000000 + 0.5 | floor)] | join(",")' "$TMP/explain.json")
	[ "$a" = "$b" ] || fail "pid $pid: run $a, explain $b"
done
assert_clean
