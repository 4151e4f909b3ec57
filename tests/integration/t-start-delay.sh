# start_delay is bounded by the timeout and ends at an interrupt (issue 7,
# defect 3: two workers with start_delay = 8s and timeout = 3s took 16 s;
# SIGINT at 1 s exited at 9 s).
. "$(dirname "$0")/lib.sh"
need_root
printf '[profile]\nmemory_limit = 256M\ntimeout = 3s\n[worker a]\nsize = 10M\nstart_delay = 8s\n[worker b]\nsize = 10M\nstart_delay = 8s\n' >"$TMP/delay.ini"
t0=$(date +%s%N)
run_profile "$TMP/delay.ini" 2
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $ms -ge 2900 ] && [ $ms -lt 4500 ] || fail "took $ms ms with timeout = 3s"
[ "$(jget .verdict)" = broken ] || fail "verdict $(jget .verdict)"
case $(jget .reason) in
*timeout*start_delay*) ;;
*) fail "reason: $(jget .reason)" ;;
esac
assert_clean

# SIGINT at 1 s: out within half a second, no result, nothing left.
printf '[profile]\nmemory_limit = 256M\ntimeout = 30s\n[worker a]\nsize = 10M\nstart_delay = 8s\n[worker b]\nsize = 10M\nstart_delay = 8s\n' >"$TMP/long.ini"
mkdir -p "$TMP/res"
"$OOMLAB" run --results-dir "$TMP/res" "$TMP/long.ini" >"$TMP/out" 2>&1 &
pid=$!
sleep 1
t0=$(date +%s%N)
kill -INT $pid
wait $pid
rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $rc = 2 ] || fail "exit $rc after SIGINT"
[ $ms -lt 500 ] || fail "exited $ms ms after SIGINT"
[ -z "$(ls -A "$TMP/res")" ] || fail "a result was written: $(ls "$TMP/res")"
assert_clean
echo "ok: timeout run ended, SIGINT honoured after $ms ms"
