# Redis (a unix socket in the workdir, 300000 keys from a client) and nginx
# (master + 2 workers, ready on its port) survive while a batch job at adj
# 900 dies; nothing of either is left.
. "$(dirname "$0")/lib.sh"
need_root
command -v redis-server >/dev/null || skip "redis-server is not installed"
command -v nginx >/dev/null || skip "nginx is not installed (apt-get install nginx-light)"
work_before=$(ls -d /tmp/oomlab-work-* 2>/dev/null)
run_profile "$TOP/profiles/services/redis-survives.ini" 0
[ "$(jget '.workers[] | select(.name == "redis") | .killed')" = false ] || fail "redis was killed"
[ "$(jget '.workers[] | select(.name == "redis") | .tree[0].comm')" = redis-server ] || fail "tree"
run_profile "$TOP/profiles/services/nginx-survives.ini" 0
[ "$(jget '.workers[] | select(.name == "nginx") | .killed')" = false ] || fail "nginx was killed"
[ "$(jget '.workers[] | select(.name == "nginx") | .tree | length')" = 3 ] || fail "nginx tree"
sleep 0.2
pgrep -x redis-server -u redis >/dev/null && fail "redis left: $(pgrep -a -x redis-server)"
pgrep -f "nginx -p /tmp/oomlab-work-" >/dev/null && fail "nginx left: $(pgrep -af nginx)"
[ "$(ls -d /tmp/oomlab-work-* 2>/dev/null)" = "$work_before" ] || fail "workdir left behind"
assert_clean
