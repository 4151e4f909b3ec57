#!/bin/bash
# SPDX-License-Identifier: MIT
# VM mode, boot-to-verdict: wall time of `oomlab vm run` (kernel cached,
# initramfs built, QEMU under TCG booted, profiles run, results written,
# QEMU gone) for one profile, and for a directory of profiles in one boot
# (profiles expecting a panic get a boot each, as in real use).
# Median of N runs (default 5), after one warm-up run: the host evicts
# idle page cache, so the first run pays for reading QEMU and the kernel.
#
#   bench/vm-boot.sh [PROFILE [DIR]]     default: profiles/vm/global-ranking.ini,
#                                        profiles/claims
# Target (issue 4): under 5 s for one profile, TCG, on this machine.
# Target (issue 10): one profile within 1.2x a boot of the same machine to
# init and off, measured in the same run, interleaved (the last lines).
# A run restores the machine's boot snapshot (saved by the warm-up run:
# docs/vm.md, "Boot snapshots"); "cold" is the same run with --no-snapshot,
# a boot from scratch, and is measured too.
# ACCEL (default auto: the KVM probe's answer is remembered per machine, so
# auto costs what tcg does after the first boot). `oomlab vm run --timings`
# says where a boot's time goes.
# The claims suite in one boot takes minutes under TCG (claim 7 burns 33 s
# of CPU, emulated): only with N_DIR=N (no warm-up run for it).
cd "$(dirname "$0")/.." || exit 1
N=${N:-5}
ONE=${1:-profiles/vm/global-ranking.ini}
DIR=${2:-profiles/claims}
OOMLAB=./build/oomlab
# FULL=DIR/build/oomlab: the profile runs of the interleaved part by another
# build (before/after), the machine booted bare and to init by this one
FULL=${FULL:-$OOMLAB}
ACCEL=${ACCEL:-auto}
command -v qemu-system-x86_64 >/dev/null || { echo "vm-boot: SKIP: no qemu-system-x86_64"; exit 0; }
[ -x $OOMLAB ] || { echo "vm-boot: SKIP: build first (make)"; exit 0; }
$OOMLAB vm kernels --fetch >/dev/null 2>&1 || { echo "vm-boot: SKIP: no guest kernel (apt-get update?)"; exit 0; }
TMP=$(mktemp -d /tmp/oomlab-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# time_runs LABEL N WARMUP ARGS...: N timed runs, prints the median and range
time_runs() {
	local label=$1 n=$2 warm=$3 t0 t1 ts=() rc
	shift 3
	[ "$warm" = 1 ] && $OOMLAB vm run --kernel "$KVER" --accel "$ACCEL" --results-dir "$TMP/res" "$@" >/dev/null 2>&1
	for _ in $(seq "$n"); do
		rm -rf "$TMP/res"
		t0=$(date +%s%N)
		$OOMLAB vm run --kernel "$KVER" --accel "$ACCEL" --results-dir "$TMP/res" "$@" >"$TMP/out" 2>&1
		rc=$?
		t1=$(date +%s%N)
		ts+=($(( (t1 - t0) / 1000000 )))
	done
	printf '%s\n' "${ts[@]}" | sort -n > "$TMP/ts"
	printf '%-34s median %6.2f s  min %6.2f  max %6.2f  (n=%d, last exit %d, %d results)\n' \
		"$label" \
		"$(sed -n "$(( (n + 1) / 2 ))p" "$TMP/ts" | awk '{print $1/1000}')" \
		"$(head -n 1 "$TMP/ts" | awk '{print $1/1000}')" \
		"$(tail -n 1 "$TMP/ts" | awk '{print $1/1000}')" \
		"$n" "$rc" "$(ls "$TMP"/res/*.json 2>/dev/null | wc -l)"
}

# the kernel vm run uses by default (what linux-image-cloud-amd64 named),
# booted bare too: KERNEL=VERSION for another
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/oomlab/kernels
KVER=${KERNEL:-$(cat "$CACHE/.default" 2>/dev/null)}
[ -n "$KVER" ] || KVER=$($OOMLAB vm kernels 2>/dev/null | tail -n 1 | cut -d' ' -f1)
echo "vm-boot: boot-to-verdict under TCG, $(uname -m), kernel $KVER"
time_runs "one profile ($(basename "$ONE"))" "$N" 1 "$ONE"

# The same machine with nothing to run, interleaved with the profile run so
# that the host's drift hits all alike. QEMU's argv is the one `vm run`
# used (--keep writes it to qemu.args): the same QEMU flags, kernel, memory
# and kernel command line.
#   init: the same initramfs (its base as built for the profile, /init
#         powers off at once): a boot to init and back, what no profile run
#         can avoid; the target's denominator (issue 10).
#   bare: no initramfs: the kernel panics where it looks for a root file
#         system (-no-reboot ends QEMU): QEMU, firmware and kernel only.
printf '#!/bin/sh\nexec /bin/reboot -f\n' > "$TMP/init0.sh"
OOMLAB_VM_INIT=$TMP/init0.sh $OOMLAB vm run --keep --kernel "$KVER" --accel "$ACCEL" \
	--results-dir "$TMP/res0" "$ONE" > "$TMP/keep.out" 2>&1
KEPT=$(sed -n 's/.*kept \([^ ]*\) (.*/\1/p' "$TMP/keep.out")
[ -r "$KEPT/qemu.args" ] || { echo "vm-boot: FAIL: no qemu.args from vm run --keep"; cat "$TMP/keep.out"; exit 1; }
trap 'rm -rf "$TMP" "$KEPT"' EXIT
mapfile -t QA < "$KEPT/qemu.args"
QB=()
for ((i = 0; i < ${#QA[@]}; i++)); do
	if [ "${QA[i]}" = -initrd ]; then i=$((i + 1)); else QB+=("${QA[i]}"); fi
done
# timed ARRAY CMD...: wall ms onto ARRAY, CPU ms (user + system of the
# children: QEMU, and oomlab with it) onto ARRAY_cpu. TCG is CPU-bound, so
# on a loaded host the CPU time is the steadier figure; the wall is the one
# a user waits for, and the target's.
timed() {
	local -n w=$1 c=${1}_cpu
	local t0 t1 r
	shift
	t0=$(date +%s%N)
	r=$( { TIMEFORMAT='%U %S'; time "$@" >/dev/null 2>&1; } 2>&1 )
	t1=$(date +%s%N)
	w+=($(( (t1 - t0) / 1000000 )))
	c+=($(awk -v u="${r% *}" -v s="${r#* }" 'BEGIN { printf "%d", (u + s) * 1000 }'))
}
bare=() init=() full=() cold=() bare_cpu=() init_cpu=() full_cpu=() cold_cpu=()
for _ in $(seq "$N"); do
	timed bare "${QB[@]}"
	timed init "${QA[@]}"
	rm -rf "$TMP/res"
	timed full $FULL vm run --kernel "$KVER" --accel "$ACCEL" --results-dir "$TMP/res" "$ONE"
	rm -rf "$TMP/res"
	timed cold $FULL vm run --no-snapshot --kernel "$KVER" --accel "$ACCEL" \
		--results-dir "$TMP/res" "$ONE"
done
med() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
echo "  bare: ${bare[*]} ms (CPU ${bare_cpu[*]})"
echo "  init: ${init[*]} ms (CPU ${init_cpu[*]})"
echo "  full: ${full[*]} ms (CPU ${full_cpu[*]}), restored from the boot snapshot"
echo "  cold: ${cold[*]} ms (CPU ${cold_cpu[*]}), --no-snapshot"
awk -v b="$(med "${bare_cpu[@]}")" -v i="$(med "${init_cpu[@]}")" -v f="$(med "${full_cpu[@]}")" -v c="$(med "${cold_cpu[@]}")" 'BEGIN {
	printf "CPU time, medians: bare %.2f s, boot to init %.2f s, one profile %.2f s (cold %.2f s): ratio %.2f to bare, %.2f to init (cold %.2f, %.2f)\n", b / 1000, i / 1000, f / 1000, c / 1000, f / b, f / i, c / b, c / i
}'
awk -v b="$(med "${bare[@]}")" -v i="$(med "${init[@]}")" -v f="$(med "${full[@]}")" -v c="$(med "${cold[@]}")" -v n="$N" 'BEGIN {
	printf "interleaved, median of %d: bare kernel (no initramfs) %.2f s, boot to init and off %.2f s, one profile %.2f s (cold boot: %.2f s)\n", n, b / 1000, i / 1000, f / 1000, c / 1000
	printf "cold boot: ratio %.2f to the bare kernel, %.2f to the boot to init (the profile run adds %.2f s)\n", c / b, c / i, (c - i) / 1000
	printf "ratio to the bare kernel: %.2f, to the boot to init: %.2f (restored from the boot snapshot)\n", f / b, f / i
}'
# the last line is the ratio: the directory only when asked (N_DIR)
[ "${N_DIR:-0}" -gt 0 ] || exit 0
time_runs "$(basename "$DIR")/ ($(ls "$DIR"/*.ini | wc -l) profiles)" "$N_DIR" 0 "$DIR"
