# The memcg's oom_kill counter moves by exactly the number of distinct
# PIDs the kernel logged as killed, and each logged kill was a death.
. "$(dirname "$0")/lib.sh"
need_root
run_profile "$TOP/profiles/adj-ranking.ini" 0
before=$(jget .counters.before.oom_kill)
after=$(jget .counters.after.oom_kill)
kills=$(jget '[.kills[].pid] | unique | length')
[ $((after - before)) = "$kills" ] || fail "counter moved $((after - before)), kernel logged $kills kills"
died=$(jget '[.workers[] | select(.killed)] | length')
[ "$died" = "$kills" ] || fail "$died workers killed, $kills kernel records"
assert_clean
