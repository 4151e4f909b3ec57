# nice 19 and dropped capabilities must not change the order on >= 4.17.
. "$(dirname "$0")/lib.sh"
need_root
run_profile "$TOP/profiles/negative-controls.ini" 0
[ "$(jget '.workers[] | select(.name == "nice19") | .nice')" = 19 ] || fail "nice not applied"
[ "$(jget '.workers[] | select(.name == "nice19") | .uid')" != 0 ] || fail "uid not applied"
assert_clean
