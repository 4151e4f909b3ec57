#!/bin/bash
# VM: oomlab vm bench --repeat 3 makes three runs in one boot, writes the
# three documents and their summary (bench-stats: medians with intervals),
# which oomlab bench --compare then takes like a host summary. --fresh:
# a boot per run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
# two profiles: the guest runs them in rounds (0 1 0 1 0 1 on ttyS1)
mkdir -p "$TMP/b"
sed 's/^size = 56M/size = 48M/' "$TOP/profiles/bench/anon-oom.ini" >"$TMP/b/anon-small.ini"
VM_CMD=bench vm_run 0 --repeat 3 --keep "$TOP/profiles/bench/anon-oom.ini" "$TMP/b/anon-small.ini"
[ "$(grep -c 'booting' "$TMP/out")" = 1 ] || fail "not one boot: $(grep booting "$TMP/out")"
kept=$(sed -n 's/.*kept \([^ ]*\) (.*/\1/p' "$TMP/out")
order=$(awk '/^@@OOMLAB-RESULT/ {printf "%s ", $2}' "$kept/results.log")
rm -rf "$kept"
[ "$order" = "0 1 0 1 0 1 " ] || fail "runs not in rounds: $order"
n=$(ls "$TMP"/res/anon-oom-*.json | grep -vc summary)
[ "$n" = 3 ] || fail "$n result documents, expected 3: $(ls "$TMP/res")"
ls "$TMP"/res/anon-small-summary-*.json >/dev/null 2>&1 || fail "no summary of anon-small"
s=$(ls "$TMP"/res/anon-oom-summary-*.json 2>/dev/null | head -n 1)
[ -n "$s" ] || fail "no summary document: $(ls "$TMP/res")"
[ "$(jq -r .kind "$s")" = oomlab-bench-summary ] || fail "$s: kind $(jq -r .kind "$s")"
[ "$(jq -r .runs "$s")" = 3 ] || fail "$s: runs $(jq -r .runs "$s")"
jq -e '.figures["phases.below_limit.count"].ci95 | length == 2' "$s" >/dev/null ||
	fail "no interval for phases.below_limit.count: $(jq -c '.figures["phases.below_limit.count"]' "$s")"
jq -r '.kernels[0]' "$s" | grep -q "^$VM_KERNEL" || fail "summary kernels $(jq -c .kernels "$s"), booted $VM_KERNEL"
grep -q "summary: $s" "$TMP/out" || fail "vm bench did not print the summary's path"
"$OOMLAB" bench --compare "$s" "$s" >"$TMP/cmp" 2>&1 || fail "compare of the summary: $(cat "$TMP/cmp")"
grep -q "^kill_chain.big.pidfd" "$TMP/cmp" || fail "no kill chain in the comparison: $(cat "$TMP/cmp")"
rm -f "$TMP"/res/*
VM_CMD=bench vm_run 0 --fresh --repeat 2 "$TOP/profiles/bench/anon-oom.ini"
[ "$(grep -c 'booting' "$TMP/out")" = 2 ] || fail "--fresh --repeat 2: not two boots: $(cat "$TMP/out")"
[ "$(ls "$TMP"/res/anon-oom-*.json | grep -vc summary)" = 2 ] || fail "--fresh: $(ls "$TMP/res")"
ls "$TMP"/res/anon-oom-summary-*.json >/dev/null 2>&1 || fail "--fresh: no summary"
vm_assert_clean
echo "  ok: 3 runs in one boot, summary $(basename "$s"), compared; --fresh: 2 boots"
