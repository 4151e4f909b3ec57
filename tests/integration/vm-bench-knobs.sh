#!/bin/bash
# The knobs (sysctl.*, sysfs.kernel.mm.*) as bad input, exit 2 with
# FILE:LINE: field: what, at each place it can be seen: on the host (a
# host profile may not set them: this machine is shared), before a boot
# (lru_gen on a guest kernel built without MGLRU), in the guest before the
# run (no such file; a value the kernel refuses). Then one run that sets
# lru_gen and swappiness in a guest and passes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
need_root
grep -q oomlab.guest=1 /proc/cmdline && skip "inside an oomlab guest"
printf '[profile]\nmemory_limit = 32M\ntimeout = 5s\nsysctl.vm.swappiness = 10\n[worker a]\nsize = 4M\n' \
	>"$TMP/host.ini"
swp=$(cat /proc/sys/vm/swappiness)
for cmd in run bench "bench --repeat 3"; do
	"$OOMLAB" $cmd --results-dir "$TMP/hres" "$TMP/host.ini" >"$TMP/out" 2>&1
	rc=$?
	[ $rc = 2 ] || fail "oomlab $cmd, a knob on the host: exit $rc: $(cat "$TMP/out")"
	grep -q "^$TMP/host.ini:4: sysctl.vm.swappiness: only a guest may set this" "$TMP/out" ||
		fail "oomlab $cmd: reason: $(cat "$TMP/out")"
done
[ "$(cat /proc/sys/vm/swappiness)" = "$swp" ] || fail "the host's swappiness changed"
# check: legal (a guest may run it), but said in advance
"$OOMLAB" check "$TMP/host.ini" >"$TMP/out" 2>&1 || fail "check: exit $?: $(cat "$TMP/out")"
grep -q "^$TMP/host.ini:4: sysctl.vm.swappiness: .*(warning: oomlab run/bench refuse it here)" \
	"$TMP/out" || fail "check gave no warning: $(cat "$TMP/out")"
vm_need
# before a boot: 5.10 has no MGLRU (no boot is made, so this is cheap)
mk() { printf '[profile]\nneeds = vm\nmemory_limit = 32M\ntimeout = 20s\n%s\n[worker a]\npattern = mmap\nsize = 8M\nexpect = killed 1\n' "$1" >"$TMP/$2.ini"; }
mk "sysfs.kernel.mm.lru_gen.enabled = y" lrugen
if "$OOMLAB" vm kernels 2>/dev/null | grep -q '^5\.10\.'; then
	VM_CMD=bench vm_run 2 --kernel 5.10 "$TMP/lrugen.ini"
	grep -q "^$TMP/lrugen.ini:5: sysfs.kernel.mm.lru_gen.enabled: the guest kernel 5.10.* has no MGLRU" \
		"$TMP/out" || fail "5.10 + lru_gen: $(cat "$TMP/out")"
	grep -q "booting" "$TMP/out" && fail "5.10 + lru_gen: a guest was booted"
fi
# in the guest (one boot for both): no such file, and a value that passes
# the parser (one word) but not the kernel (THP's enabled takes always,
# madvise or never: EINVAL)
mk "sysctl.vm.no_such_knob = 1" unknown
mk "sysfs.kernel.mm.transparent_hugepage.enabled = sometimes" badval
VM_CMD=bench vm_run 2 "$TMP/unknown.ini" "$TMP/badval.ini"
grep -q "^$TMP/unknown.ini:5: sysctl.vm.no_such_knob: no /proc/sys/vm/no_such_knob in this kernel" \
	"$TMP/out" || fail "unknown knob: $(cat "$TMP/out")"
grep -q "^$TMP/badval.ini:5: sysfs.kernel.mm.transparent_hugepage.enabled: the kernel .* refuses 'sometimes'" \
	"$TMP/out" || fail "bad value: $(cat "$TMP/out")"
# and a good one: set for the run, the run passes
mk "sysfs.kernel.mm.lru_gen.enabled = y
sysctl.vm.swappiness = 100
sysctl.vm.watermark_scale_factor = 50" good
VM_CMD=bench vm_run 0 "$TMP/good.ini"
vm_assert_clean
echo "  ok: host refusal, 5.10 without MGLRU, unknown knob, refused value; lru_gen/swappiness/wsf run"
