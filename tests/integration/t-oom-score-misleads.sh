# /proc oom_score ranks tiny above big (machine-scaled), the memcg OOM kills
# big (memcg-scaled): the harness predicts with the memcg's totalpages.
. "$(dirname "$0")/lib.sh"
need_root
run_profile "$TOP/profiles/oom-score-misleads.ini" 0
big=$(jget '.workers[] | select(.name == "big") | .proc_oom_score')
tiny=$(jget '.workers[] | select(.name == "tiny") | .proc_oom_score')
[ "$tiny" -gt "$big" ] || fail "/proc oom_score does not mislead here (big $big, tiny $tiny)"
[ "$(jget '.workers[] | select(.name == "big") | .predicted_rank')" = 1 ] || fail "model did not predict big"
jget '.notes[]' | grep -qi 'oom_score' || fail "no note explains the /proc oom_score disagreement"
assert_clean
