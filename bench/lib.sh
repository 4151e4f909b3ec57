# SPDX-License-Identifier: MIT
# Shared by the benchmarks: a temporary child memcg of ours with a limit,
# a way to run a command inside it, and the median.
skip() { echo "$BENCH: SKIP: $*"; exit 0; }

# bench_memcg LIMIT: creates $cg (removed at exit) and sets $limit_file.
bench_memcg() {
	local rel base
	[ "$(id -u)" = 0 ] || skip "needs root for a memcg"
	# v1 (hybrid hosts) or v2 with the memory controller
	if rel=$(grep -m1 '^[0-9]*:[^:]*\bmemory\b[^:]*:' /proc/self/cgroup | cut -d: -f3) &&
	   [ -n "$rel" ] && [ -d /sys/fs/cgroup/memory ]; then
		cg=/sys/fs/cgroup/memory$rel/oomlab-bench.$$
		limit_file=memory.limit_in_bytes
	else
		rel=$(grep -m1 '^0::' /proc/self/cgroup | cut -d: -f3)
		base=/sys/fs/cgroup$rel
		grep -qw memory "$base/cgroup.controllers" 2>/dev/null ||
			skip "no memory cgroup controller"
		cg=$base/oomlab-bench.$$
		limit_file=memory.max
	fi
	mkdir "$cg" || skip "cannot create $cg"
	trap 'rmdir "$cg" 2>/dev/null' EXIT
	echo "$1" >"$cg/$limit_file"
}

# run "$@" inside the memcg (a subshell joins it, then execs)
incg() { (echo $BASHPID >"$cg/cgroup.procs" && "$@"); }

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
