# Validation before anything starts (issue 7, defects 5 and 7): profiles
# whose memory cannot fit memory_limit, a ramp without a unit, and files
# that are not profiles: `check` and `run` exit 2 naming FILE:LINE: field,
# and `run` starts nothing (no cgroup, no worker, no memcg OOM of ours).
. "$(dirname "$0")/lib.sh"
FIX="$TOP/tests/fixtures/profiles"
mkfifo "$TMP/fifo.ini"
# unique worker names, to look for them in the kernel log afterwards
printf '[profile]\nmemory_limit = 64M\n[worker dval-big]\npattern = mmap\nsize = 100M\n' >"$TMP/big.ini"
printf '[profile]\nmemory_limit = 1K\n[worker dval-tiny]\nsize = 4K\n' >"$TMP/tiny.ini"
printf '[profile]\nmemory_limit = 64M\n[worker dval-a]\nsize = 40M\n[worker dval-b]\npattern = shmem\nsize = 30M\n' >"$TMP/sum.ini"
seq_before=$(dmesg 2>/dev/null | wc -l)
for f in "$TMP/big.ini:5: size" "$TMP/tiny.ini:4: size" "$TMP/sum.ini:2: memory_limit" \
	 "$FIX/invalid/mlock-over-limit.ini:7: size" "$FIX/bad/ramp-no-unit.ini:6: ramp" \
	 "$FIX/good: is a directory" "$TMP/fifo.ini: is a FIFO" "/dev/zero: is a device"; do
	file=${f%%:*}
	for cmd in check run; do
		# a FIFO must not block: bound the wait
		timeout 10 "$OOMLAB" $cmd "$file" >"$TMP/out" 2>&1
		rc=$?
		[ $rc = 2 ] || fail "$cmd $file: exit $rc, expected 2: $(cat "$TMP/out")"
		grep -qF "$f" "$TMP/out" || fail "$cmd $file: no '$f' in: $(cat "$TMP/out")"
		grep -q "== " "$TMP/out" && fail "$cmd $file: a run started"
	done
done
if [ "$(id -u)" = 0 ]; then
	dmesg 2>/dev/null | tail -n +"$((seq_before + 1))" | grep -q "dval-" &&
		fail "the kernel logged one of our workers: something ran"
	assert_clean
fi
exit 0
