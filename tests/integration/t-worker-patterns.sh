#!/bin/bash
# Every oomlab-worker pattern reaches its size in a memcg (checked in the
# memcg's usage and, for mapped patterns, the worker's own rss), exits 0 on
# SIGTERM; an mmap beyond RLIMIT_AS is reported as exit 3. Exit 77 = SKIP.
cd "$(dirname "$0")/../.." || exit 2
W=build/oomlab-worker
[ -x $W ] || { echo "SKIP: build/oomlab-worker missing"; exit 77; }
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root for a memcg"; exit 77; }
rel=$(grep -m1 ':memory:' /proc/self/cgroup | cut -d: -f3)
[ -n "$rel" ] && [ -d /sys/fs/cgroup/memory ] || { echo "SKIP: needs the v1 memory controller"; exit 77; }
cg=/sys/fs/cgroup/memory$rel/wtest-patterns.$$
mkdir "$cg" || exit 2
trap 'rmdir "$cg"' EXIT
echo 1G >"$cg/memory.limit_in_bytes"
fail=0
# every line of the pattern table has its file linked into the worker
$W --list >/dev/null || { echo "FAIL: not built in: $($W --list | grep 'not built in')"; fail=1; }
for p in page-touch mmap populate thp file shmem mlock fork-tree; do
	( echo $BASHPID >"$cg/cgroup.procs" && exec $W -q -p $p -s 200M --children 2 --parent-size 50M ) &
	pid=$!
	for _ in $(seq 100); do # up to 10 s to reach 200M
		use=$(( $(cat "$cg/memory.usage_in_bytes") >> 20 ))
		[ $use -ge 200 ] && break
		sleep 0.1
	done
	rss=$(awk '/^VmRSS/ { print int($2 / 1024) }' /proc/$pid/status)
	kill -TERM $pid; wait $pid; rc=$?
	# file: page cache, not rss; fork-tree: the parent holds only 50M
	case $p in file) want=0 ;; fork-tree) want=49 ;; *) want=199 ;; esac
	if [ $use -lt 200 ] || [ $rss -lt $want ] || [ $rc != 0 ]; then
		echo "FAIL: $p: memcg ${use}M, rss ${rss}M, exit $rc"; fail=1
	else
		echo "$p: memcg ${use}M, rss ${rss}M, exit $rc"
	fi
	while [ -s "$cg/tasks" ]; do sleep 0.05; done
done
( ulimit -v 100000; exec $W -q -p mmap -s 300M ); rc=$?
[ $rc = 3 ] || { echo "FAIL: mmap over RLIMIT_AS exited $rc, not 3"; fail=1; }
exit $fail
