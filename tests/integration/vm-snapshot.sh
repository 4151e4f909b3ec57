#!/bin/bash
# VM: boot snapshots. The first run of a machine boots it, saves it at
# init's snapshot point and restores it; later runs only restore. Each
# gives the kernel's own verdict, a console with the whole boot, the host's
# clock; --no-snapshot boots cold; a bad snapshot is dropped for a cold
# boot; ^C while saving leaves no QEMU and no partial file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
export OOMLAB_SNAPSHOT_DIR=$TMP/snaps
P=$TOP/profiles/vm/global-ranking.ini

fates() { jq -r '[.workers[] | "\(.name)=\(.killed):\(.kill_order)"] | join(" ")' "$1"; }
check_run() { # check_run FILE: the verdict a cold boot gives, from the kernel
	[ "$(jq -r .verdict "$1")" = pass ] || fail "verdict $(jq -r .verdict "$1"): $(jq -r .reason "$1")"
	jq -r '.kills[].line' "$1" | grep -q '^Out of memory: Killed process [0-9]* (big)' ||
		fail "no kernel kill record for big: $(jq -c .kills "$1")"
}

vm_run 0 "$P"
grep -q "boot snapshot saved" "$TMP/out" || fail "first run saved no snapshot: $(cat "$TMP/out")"
grep -q "restored from its boot snapshot" "$TMP/out" || fail "first run did not restore what it saved"
[ "$(ls "$OOMLAB_SNAPSHOT_DIR"/*.snap | wc -l)" = 1 ] || fail "snapshots: $(ls "$OOMLAB_SNAPSHOT_DIR")"
f1=$(vm_result global-ranking)
check_run "$f1"
fates1=$(fates "$f1")
rm -f "$TMP"/res/*

# a snapshot older than a few seconds: a guest that kept the snapshot's
# clock would name its result from the past
sleep 4
t0=$(date -u +%s)
vm_run 0 "$P"
grep -q "boot snapshot saved" "$TMP/out" && fail "second run saved a snapshot again"
grep -q "restored from its boot snapshot" "$TMP/out" || fail "second run did not restore"
f2=$(vm_result global-ranking)
check_run "$f2"
[ "$fates1" = "$(fates "$f2")" ] || fail "fates differ: $fates1 / $(fates "$f2")"
con=${f2%.json}-console.log
grep -q '^@@OOMLAB-T snap ' "$con" || fail "the console lacks the snapshot's boot"
grep -q '^\[oomlab: restored from boot snapshot [0-9a-f]\{32\}\]' "$con" || fail "no restore line in the console"
grep -q 'Out of memory: Killed process' "$con" || fail "the console lacks the run's OOM"
# the guest's clock is the host's, not the snapshot's: the result is named
# from the guest's time (…-YYYYMMDD-HHMMSS-PID.json)
t=$(basename "$f2" | sed -n 's/.*-\([0-9]\{8\}\)-\([0-9]\{6\}\)-[0-9]*\.json/\1 \2/p')
[ -n "$t" ] || fail "no time in the result's name $f2"
d8=${t% *} t6=${t#* }
g=$(date -u -d "${d8:0:4}-${d8:4:2}-${d8:6:2} ${t6:0:2}:${t6:2:2}:${t6:4:2}" +%s)
[ "$g" -ge $((t0 - 1)) ] && [ "$g" -le "$(date -u +%s)" ] ||
	fail "guest clock: result at $g, the run from $t0 to $(date -u +%s) ($(basename "$f2"))"
rm -f "$TMP"/res/*

vm_run 0 --no-snapshot "$P"
grep -q "snapshot" "$TMP/out" && fail "--no-snapshot used a snapshot: $(cat "$TMP/out")"
check_run "$(vm_result global-ranking)"
rm -f "$TMP"/res/*

# a snapshot QEMU cannot load: a warning, the cold boot's verdict, the file gone
s=$(ls "$OOMLAB_SNAPSHOT_DIR"/*.snap)
truncate -s 65536 "$s"
vm_run 0 "$P"
grep -q "did not restore" "$TMP/out" || fail "no warning for a bad snapshot: $(cat "$TMP/out")"
check_run "$(vm_result global-ranking)"
[ -e "$s" ] && fail "the bad snapshot was kept"
rm -f "$TMP"/res/*

# ^C while the machine boots to be saved
export OOMLAB_SNAPSHOT_DIR=$TMP/snaps2
"$OOMLAB" vm run --accel tcg --results-dir "$TMP/res" "$P" >"$TMP/out" 2>&1 &
pid=$!
sleep 1
kill -INT "$pid"
wait "$pid"
rc=$?
[ "$rc" != 0 ] || fail "an interrupted run exited 0"
left=$(ls "$OOMLAB_SNAPSHOT_DIR" 2>/dev/null | grep -v '\.snap$\|\.console$' || true)
[ -z "$left" ] || fail "partial files in the snapshot dir: $left"
vm_assert_clean
