# Host safety (issue 7, defect 1): a memory_limit the machine cannot hold
# is SKIP with the figures before anything starts; so is one that a memcg
# above ours cannot hold (the effective limit), tried by running oomlab
# inside a small memcg of our own.
. "$(dirname "$0")/lib.sh"
need_root
grep -q oomlab.guest=1 /proc/cmdline && skip "inside an oomlab guest"
printf '[profile]\nmemory_limit = 1T\ntimeout = 10s\n[worker a]\nsize = 50M\n' >"$TMP/1t.ini"
t0=$(date +%s%N)
run_profile "$TMP/1t.ini" 77
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$(jget .verdict)" = skip ] || fail "verdict $(jget .verdict)"
reason=$(jget .reason)
case $reason in
*"memory_limit = 1024.0G is more than this machine can hold: MemAvailable is "*"safety margin that leaves "*) ;;
*) fail "reason without the figures: $reason" ;;
esac
[ "$(jget '.workers | length')" = 0 ] || fail "workers were listed: $(jget .workers)"
[ "$(jget '.kills | length')" = 0 ] || fail "kills: $(jget .kills)"
[ $ms -lt 2000 ] || fail "a refusal took $ms ms"
assert_clean

# The effective limit: oomlab inside a 300M memcg of ours, memory_limit
# 200M: 300M less the 512M minimum margin leaves nothing.
parent="$(our_memcg)/oomlab-test-$$"
if [ -f "$(our_memcg)/memory.limit_in_bytes" ]; then
	knob=memory.limit_in_bytes
else
	knob=memory.max
fi
mkdir "$parent" || skip "cannot create $parent"
trap 'rmdir "$parent" 2>/dev/null; rm -rf "$TMP"' EXIT
echo 300M >"$parent/$knob" || fail "cannot limit $parent"
printf '[profile]\nmemory_limit = 200M\ntimeout = 10s\n[worker a]\nsize = 50M\n' >"$TMP/200m.ini"
sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" run --json "$3/result.json" "$4"' sh \
	"$parent" "$OOMLAB" "$TMP" "$TMP/200m.ini" >"$TMP/out" 2>&1
rc=$?
rmdir "$parent" || fail "cannot remove $parent"
[ $rc = 77 ] || { cat "$TMP/out"; fail "inside a 300M memcg: exit $rc, expected 77"; }
reason=$(jget .reason)
case $reason in
*"oomlab-test-$$ above the run's has "*"under its 300.0M limit"*) ;;
*) fail "reason does not name the memcg above: $reason" ;;
esac
assert_clean
echo "ok: $reason"
