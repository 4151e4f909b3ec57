. "$(dirname "$0")/lib.sh"
need_root
run_profile "$TOP/profiles/mixed-patterns.ini" 0
assert_clean
