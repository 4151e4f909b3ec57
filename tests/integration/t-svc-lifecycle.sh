# Services: bad input stops the run before anything starts; a service that
# exits before it is ready is BROK with its last output lines; one that
# ignores SIGTERM is SIGKILLed at teardown and nothing of it is left.
. "$(dirname "$0")/lib.sh"
need_root
FIX="$TOP/tests/fixtures/services"

bad() { # BODY... -> a profile whose worker section ends with the body
	printf '[profile]\nmemory_limit = 128M\n[worker w]\ncommand = sleep 60\n%s\n' "$@" >"$TMP/bad.ini"
}
for case in 'ready_port = 70000|ready_port: '"'"'70000'"'"' is not a TCP port (1..65535)' \
	'ready_log = (unclosed|ready_log: '"'"'(unclosed'"'"' does not compile' \
	'rlimit.memlock = much|rlimit.memlock: '"'"'much'"'"' is not a size or '"'"'unlimited'"'"'' \
	'rlimit.nofile = 0|rlimit.nofile: '"'"'0'"'"' is not a count'; do
	bad "${case%%|*}"
	"$OOMLAB" run --json "$TMP/bad.json" "$TMP/bad.ini" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	[ "$rc" = 2 ] || fail "${case%%|*}: exit $rc, expected 2"
	grep -qF "$TMP/bad.ini:5: ${case#*|}" "$TMP/err" ||
		fail "${case%%|*}: $(cat "$TMP/err")"
	[ ! -e "$TMP/bad.json" ] || fail "${case%%|*}: a run happened"
done
assert_clean

run_profile "$FIX/dies-early.ini" 2
reason=$(jget .reason)
echo "$reason" | grep -q "early ended before it was ready (exit status 3)" || fail "reason: $reason"
echo "$reason" | grep -q "fatal: cannot open config /nonexistent" || fail "no last lines: $reason"
echo "$reason" | grep -q "starting up" || fail "no last lines: $reason"
assert_clean

t0=$(date +%s%N)
run_profile "$FIX/ignores-term.ini" 0
ms=$((($(date +%s%N) - t0) / 1000000))
jget '.notes[]' | grep -q "stubborn: 2 process(es) ignored SIGTERM" ||
	jget '.notes[]' | grep -q "stubborn: 1 process(es) ignored SIGTERM" ||
	fail "no SIGKILL note: $(jget '.notes[]')"
[ "$ms" -lt 8000 ] || fail "teardown took $ms ms"
pgrep -f "^sleep 600$" >/dev/null && fail "the stubborn service survived: $(pgrep -af '^sleep 600$')"
assert_clean
