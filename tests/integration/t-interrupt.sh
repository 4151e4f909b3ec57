# SIGINT during a run kills every worker and removes the cgroup; no result.
. "$(dirname "$0")/lib.sh"
need_root
printf '[profile]\nmemory_limit = 512M\ntimeout = 60s\n[worker slow]\nsize = 200M\nramp = 20M\n[worker b]\nsize = 10M\n' >"$TMP/slow.ini"
mkdir -p "$TMP/res"
"$OOMLAB" run --results-dir "$TMP/res" "$TMP/slow.ini" >"$TMP/out" 2>&1 &
pid=$!
for _ in $(seq 50); do pgrep -x slow >/dev/null && break; sleep 0.1; done
pgrep -x slow >/dev/null || fail "worker never started: $(cat "$TMP/out")"
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
[ $rc = 2 ] || fail "exit $rc after SIGINT"
[ -z "$(ls -A "$TMP/res")" ] || fail "a result was written: $(ls "$TMP/res")"
assert_clean
