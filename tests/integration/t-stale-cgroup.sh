# A run after a SIGKILLed harness removes the stale cgroup it finds.
. "$(dirname "$0")/lib.sh"
need_root
printf '[profile]\nmemory_limit = 512M\ntimeout = 60s\n[worker slow]\nsize = 200M\nramp = 20M\n' >"$TMP/slow.ini"
"$OOMLAB" run --no-json "$TMP/slow.ini" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do pgrep -x slow >/dev/null && break; sleep 0.1; done
kill -KILL $pid; wait $pid 2>/dev/null
# The worker dies with the harness (PR_SET_PDEATHSIG)...
for _ in $(seq 50); do pgrep -x slow >/dev/null || break; sleep 0.1; done
pgrep -x slow >/dev/null && fail "worker outlived its harness"
# ...but the cgroup stays until the next run.
[ -n "$(find "$(our_memcg)" -maxdepth 1 -name "oomlab-$pid-*")" ] || fail "no stale cgroup to test with"
run_profile "$TOP/profiles/size-ranking.ini" 0
assert_clean
