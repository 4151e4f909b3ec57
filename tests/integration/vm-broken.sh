#!/bin/bash
# VM: what cannot work says so and leaves nothing: a kernel file that
# QEMU cannot boot is BROK (exit 2) with QEMU's reason; SIGINT during a
# boot ends QEMU, removes the temporary directory and writes no result.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
vm_need
echo "not a kernel" >"$TMP/bzImage"
vm_run 2 --kernel "$TMP/bzImage" "$TOP/profiles/vm/global-ranking.ini"
grep -q "BROK.*QEMU failed" "$TMP/out" || fail "no clear reason: $(cat "$TMP/out")"
rm -rf "$TMP/res"; mkdir -p "$TMP/res"
vm_assert_clean

# a cold boot: a restore from the boot snapshot is over before the second
# (^C while a snapshot is saved: vm-snapshot.sh)
setsid "$OOMLAB" vm run --no-snapshot --accel tcg --results-dir "$TMP/res" \
	"$TOP/profiles/vm/global-ranking.ini" >"$TMP/out" 2>&1 &
pid=$!
for _ in $(seq 100); do
	pgrep -f "qemu-system-x86_64.*$TMPDIR/oomlab-vm-" >/dev/null && break
	sleep 0.1
done
pgrep -f "qemu-system-x86_64.*$TMPDIR/oomlab-vm-" >/dev/null || fail "QEMU never started: $(cat "$TMP/out")"
sleep 1
kill -INT $pid
wait $pid
rc=$?
[ $rc = 2 ] || fail "exit $rc after SIGINT, expected 2"
[ -z "$(ls -A "$TMP/res")" ] || fail "a result was written: $(ls "$TMP/res")"
vm_assert_clean
