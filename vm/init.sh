#!/bin/sh
# oomlab guest init (PID 1 of the initramfs the harness builds).
#
# Sets the machine up and reads the bundle (fw_cfg opt/oomlab/bundle: the
# profiles, etc/oomlab/manifest, etc/oomlab/params). A cold boot finds it
# at once. A boot to be snapshotted has none: oomlab-fwcfg zeroes the free
# memory, says @@OOMLAB-SNAP on ttyS1, where the host saves the machine,
# and waits until a QEMU that has the bundle restores it
# (harness/vm-snap.c).
#
# Then runs every profile of /etc/oomlab/manifest ("INDEX SWAP_BYTES PATH")
# with `oomlab run`, one at a time, and streams each JSON result to the host
# on ttyS1 (framing in include/vm.h), then @@OOMLAB-DONE as the end marker
# and a reboot, which ends QEMU (-no-reboot, reboot=t). The host trusts
# nothing that lacks the end marker: a hang, a panic or a crash here is BROK.
export PATH=/bin:/sbin
OUT=/dev/ttyS1

# "--from N": we were re-executed under a memory-holding PID 1 (init_hog,
# below); setup is done, carry on with profile N.
FROM=
if [ "$1" = --from ]; then
	FROM=$2
fi
say() { echo "$*" > $OUT; }
log() { echo "oomlab-init: $*"; }
# Stage stamps on the console, in seconds since boot (/proc/uptime, 10 ms
# steps): init, setup and snap always (they end up in a snapshot's boot
# console), the rest with vm run --timings (oomlab.timings=1 in the
# params), with oomlab run's own breakdown (OOMLAB_TIMINGS); the host adds
# its side and prints both.
stamp() { :; }
stamp_now() { read -r up _ < /proc/uptime; echo "@@OOMLAB-T $1 $up"; }

if [ -z "$FROM" ]; then
mount -t proc proc /proc
# read once, with the shell's own read: each fork costs ms under TCG
read -r cmdline < /proc/cmdline
stamp_now init
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs -o mode=1777 tmp /tmp
# oomlab.thp=always|madvise: THP as this kernel is configured
# (CONFIG_TRANSPARENT_HUGEPAGE_ALWAYS/_MADVISE; the host read the config).
# The kernel switches THP off on machines under 512 MiB (mm/huge_memory.c,
# hugepage_init: "the extra memory used could hurt more than it helps"),
# and the guest is that small only to make its OOMs cheap: a real machine
# running this kernel has THP as configured. It also spares TCG 511 of
# every 512 anon page faults (a ramp's cost here).
for a in $cmdline; do
	case $a in
	oomlab.thp=*) thp=${a#oomlab.thp=} ;;
	esac
done
[ -n "$thp" ] && echo "$thp" > /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
# memory_recursiveprot (5.7+), as systemd mounts it: a group's memory.min
# and memory.low cover its children (the workers' leaves) too; without it a
# child with memory.min 0 gets no protection from its parent's.
mount -t cgroup2 -o memory_recursiveprot none /sys/fs/cgroup 2>/dev/null ||
	mount -t cgroup2 none /sys/fs/cgroup
# oomlab run makes its memcg under the root cgroup: the memory controller
# must be enabled for the root's children first (cgroup v2).
echo +memory > /sys/fs/cgroup/cgroup.subtree_control

# raw: no "\n" -> "\r\n" (the host copes, but why make work)
stty -F $OUT raw -echo 2>/dev/null

kver=$(uname -r)
stamp_now setup

# The snapshot point. Nothing before it may depend on the run: the
# profiles, the clock (a restored guest's is the snapshot's) and the random
# state come after, from the QEMU that runs this.
stamp_now snap
cd /
if ! oomlab-fwcfg --wait --ready $OUT --clock opt/oomlab/clock --seed opt/oomlab/seed \
	opt/oomlab/bundle > /tmp/bundle.cpio || ! cpio -i -d < /tmp/bundle.cpio 2>/dev/null; then
	log "no bundle from the host (fw_cfg opt/oomlab/bundle)"
	say "@@OOMLAB-BEGIN $kver"
	say "@@OOMLAB-DONE 2"
	reboot -f
fi
rm -f /tmp/bundle.cpio
read -r params < /etc/oomlab/params
case " $params " in
*" oomlab.timings=1 "*)
	export OOMLAB_TIMINGS=1
	stamp() { stamp_now "$1"; }
	;;
esac
stamp bundle
say "@@OOMLAB-BEGIN $kver"

fi # setup

# zram stack (zsmalloc, compressors, zram), in load order, loaded when the
# first profile with swap needs it (a boot without one saves the insmods,
# which TCG makes slow); built-in or missing modules are not fatal: a swap
# profile then SKIPs.
modules_loaded=
load_modules() {
	[ -n "$modules_loaded" ] && return
	modules_loaded=1
	[ -s /etc/oomlab/modules ] || return
	while read -r m; do
		insmod "$m" 2>/dev/null || log "insmod $m failed"
	done < /etc/oomlab/modules
}

zram_on() {
	[ -e /sys/block/zram0 ] || return 1
	echo "$1" > /sys/block/zram0/disksize || return 1
	mkswap /dev/zram0 >/dev/null || return 1
	swapon /dev/zram0 || return 1
}

zram_off() {
	swapoff /dev/zram0 2>/dev/null
	echo 1 > /sys/block/zram0/reset 2>/dev/null
}

# What to run: `oomlab run` (vm run), or `oomlab bench` in REPEAT rounds
# over the profiles (vm bench: oomlab.cmd=bench oomlab.repeat=N in the
# params).
cmd=run repeat=1
[ -n "$params" ] || read -r params < /etc/oomlab/params # --from: a new shell
for a in $params; do
	case $a in
	oomlab.cmd=bench) cmd=bench ;;
	oomlab.repeat=[0-9]*) repeat=${a#oomlab.repeat=} ;;
	oomlab.init_hog=1) hogs=1 ;;
	esac
done

pass=0 fail=0 brok=0 skip=0
[ -n "$FROM" ] && read -r pass fail brok skip < /tmp/oomlab-counts
# Run-major (A1 B1 A2 B2 ...): the host's load drifts, and under TCG the
# guest's speed with it; interleaved, the drift spreads over every profile
# instead of biasing the last (as oomlab bench --repeat on a host).
run=1
while [ $run -le $repeat ]; do
while read -r idx swap path; do
	[ -n "$FROM" ] && [ "$idx" -lt "$FROM" ] && continue
	# init_hog = NM: PID 1 must hold N MiB while this profile runs, so
	# that the global init is the biggest task (claim 14). A shell cannot
	# hold memory cheaply, so PID 1 becomes oomlab-worker --pattern init,
	# which holds it and runs the rest of this script as its child.
	# (oomlab.init_hog=1: the host saw one in this boot; else no sed and
	# head to fork for each profile, a few ms each under TCG)
	hog=
	[ -n "$hogs" ] && hog=$(sed -n 's/^[[:space:]]*init_hog[[:space:]]*=[[:space:]]*\([0-9][0-9]*\)[mM].*/\1/p' "$path" | head -n 1)
	if [ -n "$hog" ] && [ "$$" = 1 ]; then
		echo "$pass $fail $brok $skip" > /tmp/oomlab-counts
		exec "$(command -v oomlab-worker)" --pattern init --size "${hog}M" --name init \
			--quiet -- /bin/sh "$0" --from "$idx"
	fi
	dir=/results/$idx/$run
	mkdir -p "$dir"
	rc=
	# a fresh swap device per run: what the last run swapped out is gone
	if [ "$swap" != 0 ]; then
		load_modules
		zram_on "$swap" || { log "$path: no zram swap in this guest"; rc=77; }
	fi
	if [ -z "$rc" ]; then
		cd /
		stamp run
		# oomlab itself must survive a global OOM: -1000 (every worker
		# gets its own adj set by oomlab's spawn, nothing inherits this)
		(echo -1000 > /proc/self/oom_score_adj; exec oomlab $cmd --results-dir "$dir" "$path" < /dev/null)
		rc=$?
	fi
	stamp ran
	[ "$swap" != 0 ] && zram_off
	f=
	for x in "$dir"/*.json; do [ -f "$x" ] && f=$x; done
	if [ -n "$f" ]; then
		say "@@OOMLAB-RESULT $idx $rc ${f##*/} $(wc -c < "$f")"
		base64 "$f" > $OUT
		rm -f "$f" # the guest's RAM is the guest's memory
	else
		say "@@OOMLAB-RESULT $idx $rc - 0"
	fi
	say "@@END"
	stamp sent
	case $rc in
	0) pass=$((pass + 1)) ;;
	1) fail=$((fail + 1)) ;;
	77) skip=$((skip + 1)) ;;
	*) brok=$((brok + 1)) ;;
	esac
done < /etc/oomlab/manifest
run=$((run + 1))
done

if [ $brok -gt 0 ]; then agg=2
elif [ $fail -gt 0 ]; then agg=1
elif [ $pass -gt 0 ]; then agg=0
else agg=77
fi
say "@@OOMLAB-DONE $agg"
sync
stamp reboot
# reboot=t + -no-reboot: QEMU exits at once (no ACPI poweroff wait)
reboot -f
