# cpu_burn runs in the child before exec: the run's timeout bounds it, and
# SIGINT ends it at once (issue 7, defect 2: an hour-long burn ignored a
# 2 s timeout and SIGINT). Nothing is left behind either way.
. "$(dirname "$0")/lib.sh"
need_root
ms() { echo $(($(date +%s%N) / 1000000)); }

# burn PROFILE_TIMEOUT [SIGNAL_AT_S]: start a run of one 1h burner; its pids
# (the harness's children while they burn) go to $TMP/kids.
burn() {
	printf '[profile]\nmemory_limit = 256M\ntimeout = %s\n[worker burner]\nsize = 10M\ncpu_burn = 1h\n' \
		"$1" >"$TMP/burn.ini"
	rm -rf "$TMP/res"; mkdir -p "$TMP/res"
	t0=$(ms)
	"$OOMLAB" run --results-dir "$TMP/res" "$TMP/burn.ini" >"$TMP/out" 2>&1 &
	pid=$!
	sleep 1
	pgrep -P $pid >"$TMP/kids"
	[ -s "$TMP/kids" ] || { cat "$TMP/out"; fail "no burning child after 1 s"; }
	[ -n "${2:-}" ] && kill -"$2" $pid
	wait $pid
	rc=$?
	took=$(($(ms) - t0))
}

no_kids_left() {
	for k in $(cat "$TMP/kids"); do
		if kill -0 "$k" 2>/dev/null; then
			fail "burning child $k still alive: $(ps -o pid,stat,etime,comm -p "$k" | tail -1)"
		fi
	done
}

burn 2s
[ $rc = 2 ] || { cat "$TMP/out"; fail "cpu_burn 1h, timeout 2s: exit $rc, expected 2 (broken)"; }
[ $took -lt 6000 ] || fail "cpu_burn 1h, timeout 2s: took $took ms"
grep -q "timeout" "$TMP/out" || { cat "$TMP/out"; fail "the reason does not name the timeout"; }
no_kids_left
assert_clean

burn 60s INT
[ $rc = 2 ] || { cat "$TMP/out"; fail "SIGINT during cpu_burn: exit $rc, expected 2"; }
[ $took -lt 4000 ] || fail "SIGINT at 1 s during cpu_burn: exit after $took ms"
grep -q "interrupted" "$TMP/out" || { cat "$TMP/out"; fail "no 'interrupted' in the output"; }
[ -z "$(ls -A "$TMP/res")" ] || fail "an interrupted run wrote a result: $(ls "$TMP/res")"
no_kids_left
assert_clean
