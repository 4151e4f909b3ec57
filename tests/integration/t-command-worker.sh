# A user's program (perl) as a worker: ramped by RSS, killed by the kernel.
. "$(dirname "$0")/lib.sh"
need_root
command -v perl >/dev/null || skip "perl is not installed"
run_profile "$TOP/profiles/command-worker.ini" 0
[ "$(jget '.workers[] | select(.name == "perl") | .kill_order')" = 1 ] || fail "perl not killed first"
[ "$(jget '.workers[] | select(.name == "small") | .killed')" = false ] || fail "small was killed"
jget '.kills[0].line' | grep -q '(perl)' || fail "kernel line does not name perl: $(jget '.kills[0].line')"
assert_clean
