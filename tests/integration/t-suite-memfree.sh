#!/bin/bash
# Memory admission per job: a suite gives GNU parallel the smallest job's
# need (--memfree) and each job its own (--wait-memfree), so one large
# profile no longer holds every small one back. Jobs of a suite share a
# ledger ($OOMLAB_ADMISSION, the suite's D/admission): a job waits while
# the live jobs' needs leave it no room, says so, and starts once they end.
# Real runs of quickstart; the "running job" in the ledger is a sleep whose
# line reserves all but 2 GiB of MemAvailable (nothing is allocated).
. "$(dirname "$0")/lib.sh"
need_root
command -v parallel >/dev/null || skip "no GNU parallel (apt-get install parallel)"
command -v jq >/dev/null || skip "no jq"
cd "$TOP" || exit 1

# 1. the plan: each job its own need, parallel the smallest
printf '[profile]\nmemory_limit = 8G\n[worker a]\nsize = 10M\nexpect = killed 1\n' >"$TMP/big.ini"
"$OOMLAB" suite --dry-run --jobs 2 profiles/quickstart.ini "$TMP/big.ini" >"$TMP/out" 2>&1 || fail "dry run: $(cat "$TMP/out")"
grep -q "^run	-q	--results-dir	runs/1	--wait-memfree	294912k	.*quickstart.ini$" "$TMP/out" ||
	fail "quickstart's job does not wait for its own 256M + 32M: $(cat "$TMP/out")"
grep -q "^run	-q	--results-dir	runs/2	--wait-memfree	8421376k	.*big.ini$" "$TMP/out" ||
	fail "the 8G job does not wait for 8G + 32M: $(cat "$TMP/out")"
grep -q "admission: parallel --memfree 288.0M (the smallest job's need)" "$TMP/out" ||
	fail "parallel's threshold is not the smallest need: $(cat "$TMP/out")"

# 2. a live job of the suite reserves all but 2 GiB
avail_kb=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
[ "$avail_kb" -gt $((6 * 1024 * 1024)) ] || skip "less than 6 GiB available"
sleep 120 &
holder=$!
trap 'kill $holder 2>/dev/null; rm -rf "$TMP"' EXIT
L=$TMP/admission
echo "$holder $(((avail_kb - 2 * 1024 * 1024) * 1024))" >"$L"
# a small job is not held back
t0=$(date +%s%N)
OOMLAB_ADMISSION=$L "$OOMLAB" run -q --wait-memfree 288M --json "$TMP/small.json" profiles/quickstart.ini >"$TMP/out" 2>&1 ||
	fail "small job: $(cat "$TMP/out")"
grep -q "admission: waiting" "$TMP/out" && fail "the 288M job waited: $(cat "$TMP/out")"
[ "$(jq -r .verdict "$TMP/small.json")" = pass ] || fail "small job verdict"
grep -q "^$holder " "$L" || fail "the live job's line was dropped: $(cat "$L")"
# a 4G job waits, says so, and starts once the holder ends
OOMLAB_ADMISSION=$L "$OOMLAB" run -q --wait-memfree 4G --json "$TMP/big.json" profiles/quickstart.ini >"$TMP/out2" 2>&1 &
job=$!
sleep 2
kill -0 $job 2>/dev/null || fail "the 4G job did not wait: $(cat "$TMP/out2")"
[ -e "$TMP/big.json" ] && fail "the 4G job ran while the reservation stood"
grep -q "admission: waiting for 4096.0M of free memory: .* available, .* reserved by 1 running job of this suite" "$TMP/out2" ||
	fail "no waiting message: $(cat "$TMP/out2")"
kill $holder
wait $holder 2>/dev/null
wait $job || fail "4G job exit $?: $(cat "$TMP/out2")"
grep -q "admission: 4096.0M admitted after [0-9.]* s" "$TMP/out2" || fail "no admitted message: $(cat "$TMP/out2")"
[ "$(jq -r .verdict "$TMP/big.json")" = pass ] || fail "4G job verdict"
grep -q "^$holder " "$L" && fail "the ended job's line stayed: $(cat "$L")"

# 3. a real suite: every job goes through its admission, all pass
D=$TMP/s
"$OOMLAB" suite --jobs 2 --repeat 2 --quiet --results-dir "$D" profiles/quickstart.ini profiles/size-ranking.ini >"$TMP/out" 2>&1 ||
	fail "suite: $(cat "$TMP/out")"
[ "$(jq '[.profiles[].pass] | add' "$D/suite.json")" = 4 ] || fail "suite: not 4 passes"
[ "$(grep -c -- '--wait-memfree' "$D/jobs.tsv")" = 4 ] || fail "jobs without --wait-memfree: $(cat "$D/jobs.tsv")"
[ -s "$D/admission" ] || fail "no ledger in $D"
assert_clean
echo "  ok: per-job admission: plan, a 288M job beside a reservation, a 4G job waits then starts, a suite"
