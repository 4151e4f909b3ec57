#!/bin/bash
# The claims suite, for real: every claim gets a verdict, each one agrees
# with the >= 4.17 model, and the answers are what a modern kernel gives
# (the folklore of 2.6.35 is REFUTED, the lasting rules CONFIRMED). With
# QEMU and a guest kernel at hand the VM-only claims run in a guest
# (oomlab claims --vm); without, they must SKIP with a reason.
. "$(dirname "$0")/lib.sh"
need_root
args=(--repeat 1 --json "$TMP/claims.json" --markdown "$TMP/claims.md")
vm=no
if command -v qemu-system-x86_64 >/dev/null && "$OOMLAB" vm kernels --fetch >/dev/null 2>&1; then
	vm=yes
	mkdir -p "$TMP/tmp"
	export TMPDIR="$TMP/tmp"
	args+=(--vm --accel tcg)
fi
(cd "$TOP" && "$OOMLAB" claims "${args[@]}") >"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "exit $?"; }
answer() { jq -r --argjson id "$1" '.claims[] | select(.id == $id) | .answer' "$TMP/claims.json"; }
[ "$(jq '.claims | length' "$TMP/claims.json")" = 14 ] || fail "not 14 claims"
for id in 4 5 6 7 8; do
	[ "$(answer $id)" = REFUTED ] || fail "claim $id: $(answer $id), expected REFUTED on >= 4.17"
done
host_confirmed="1 2 9 13"
vm_confirmed="3 10 11 12 14"
for id in $host_confirmed; do
	[ "$(answer $id)" = CONFIRMED ] || fail "claim $id: $(answer $id), expected CONFIRMED"
done
for id in $vm_confirmed; do
	want=SKIP
	[ $vm = yes ] && want=CONFIRMED
	[ "$(answer $id)" = $want ] || fail "claim $id: $(answer $id), expected $want (vm: $vm)"
done
bad=$(jq -r '.claims[] | select(.agrees_with_model == "NO") | .id' "$TMP/claims.json")
[ -z "$bad" ] || fail "claims disagreeing with their era's model: $bad"
grep -q '^| 4 | nice' "$TMP/claims.md" || fail "markdown table missing"
assert_clean
