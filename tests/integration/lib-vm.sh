# Shared by the VM tests (tests/integration/vm-*.sh), sourced after lib.sh.
# Each boots the Debian cloud kernel under TCG (KVM is not trusted here:
# see docs/vm.md) and SKIPs, saying exactly what is missing, when QEMU,
# a static busybox or the kernel cannot be had.

vm_need() {
	command -v qemu-system-x86_64 >/dev/null ||
		skip "no qemu-system-x86_64 (apt-get install qemu-system-x86)"
	[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 ||
		skip "no static busybox (apt-get install busybox-static)"
	[ -x "$OOMLAB" ] && [ -x "$TOP/build/oomlab-worker" ] || skip "build first (make)"
	local err
	if ! err=$("$OOMLAB" vm kernels --fetch 2>&1); then
		skip "no guest kernel: ${err##*error: }"
	fi
	VM_KERNEL=$err
	mkdir -p "$TMP/res" "$TMP/tmp"
	# our boots' temporary dirs (and so QEMU's command lines) under $TMP:
	# other sessions may run VMs on this machine at the same time
	export TMPDIR="$TMP/tmp"
}

# vm_run EXPECTED_EXIT ARGS...: oomlab vm run (VM_CMD=bench: vm bench) under
# TCG into $TMP/res.
vm_run() {
	local want=$1 rc
	shift
	# make SAN=1: the guest's harness and its libasan/libubsan (in the
	# initramfs, i.e. in RAM) hold more of the guest than vm run sizes a
	# global-OOM guest for (workers + 96M), so the workers died during
	# ramp-up. Their ranking does not depend on the guest's size.
	local a
	if ldd "$OOMLAB" 2>/dev/null | grep -q libasan && [[ " $* " != *" --mem "* ]]; then
		for a in "$@"; do
			if [[ $a == *.ini ]] && ! grep -q '^[[:space:]]*memory_limit' "$a"; then
				set -- --mem 384M "$@"
				break
			fi
		done
	fi
	"$OOMLAB" vm ${VM_CMD:-run} --accel tcg --results-dir "$TMP/res" "$@" >"$TMP/out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		sed 's/^/    /' "$TMP/out"
		tail -n 30 "$TMP"/res/*console.log 2>/dev/null | sed 's/^/    | /'
		fail "oomlab vm ${VM_CMD:-run} $*: exit $rc, expected $want"
	fi
}

# The one result of profile NAME (basename without .ini), and its console.
vm_result() {
	local f
	f=$(ls "$TMP"/res/"$1"-*.json 2>/dev/null | head -n 1)
	[ -n "$f" ] || fail "no result JSON for $1 in $TMP/res: $(ls "$TMP/res")"
	[ -s "${f%.json}-console.log" ] || fail "no console log beside $f"
	echo "$f"
}

# Nothing left behind: no QEMU of ours, no temporary directory.
vm_assert_clean() {
	local q
	q=$(pgrep -af "qemu-system-x86_64.*$TMPDIR/oomlab-" || true)
	[ -z "$q" ] || fail "QEMU left running: $q"
	q=$(ls -d "$TMPDIR"/oomlab-* 2>/dev/null || true)
	[ -z "$q" ] || fail "temporary files left: $q"
}
