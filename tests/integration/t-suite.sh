#!/bin/bash
# oomlab suite on this machine with GNU parallel: two jobs at once, real
# memcg OOMs, an invalid profile reported broken with its FILE:LINE while
# the others run, --retries (a failing profile rerun: Surefire's rerun
# elements), SIGINT mid-suite (every job killed, nothing left behind) and
# --resume, memory admission (--dry-run: nothing started).
. "$(dirname "$0")/lib.sh"
need_root
command -v parallel >/dev/null || skip "no GNU parallel (apt-get install parallel)"
command -v jq >/dev/null || skip "no jq"
cd "$TOP" || exit 1

# 1. two profiles x 2 repeats on 2 jobs, plus an invalid profile
D=$TMP/s1
"$OOMLAB" suite --jobs 2 --repeat 2 --results-dir "$D" profiles/quickstart.ini \
	profiles/size-ranking.ini tests/fixtures/profiles/bad/missing-size.ini >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 2 ] || { cat "$TMP/out" "$TMP/err"; fail "exit $rc, expected 2 (an invalid profile is broken)"; }
grep -q "missing-size.ini:4: size" "$TMP/err" || fail "no FILE:LINE error on stderr"
for f in suite.json summary.md junit.xml suite.tap joblog jobs.tsv; do
	[ -s "$D/$f" ] || fail "no $f"
done
J=$D/suite.json
[ "$(jq -r .joblog "$J")" = "$D/joblog" ] || fail "joblog not named"
[ "$(jq -r .jobs "$J")" = 2 ] || fail "jobs $(jq .jobs "$J")"
q='.profiles[] | select(.profile == "profiles/quickstart.ini")'
[ "$(jq -r "$q | .status" "$J")" = stable ] || fail "quickstart: $(jq -c "$q" "$J")"
[ "$(jq -r "$q | .runs" "$J")" = 2 ] || fail "quickstart runs"
[ "$(jq -r "$q | .pass" "$J")" = 2 ] || fail "quickstart pass"
[ "$(jq -r "$q | .results | length" "$J")" = 2 ] || fail "quickstart results"
for r in $(jq -r "$q | .results[]" "$J"); do
	[ "$(jq -r .verdict "$r")" = pass ] || fail "$r: not a passing result document"
done
lo=$(jq -r "$q | .ci95[0]" "$J")
awk -v lo="$lo" 'BEGIN { exit !(lo > 0.34 && lo < 0.35) }' || fail "Wilson 2/2 lower bound $lo (0.342)"
b='.profiles[] | select(.profile | endswith("missing-size.ini"))'
[ "$(jq -r "$b | .status" "$J")" = broken ] || fail "invalid profile not broken"
jq -r "$b | .error" "$J" | grep -q "missing-size.ini:4:" || fail "no FILE:LINE in the document"
grep -q "| profiles/size-ranking.ini | PASS 2/2 |" "$D/summary.md" || fail "summary: $(cat "$D/summary.md")"
grep -q "not ok 3 - tests/fixtures/profiles/bad/missing-size.ini" "$D/suite.tap" || fail "tap"
grep -q '<error message="tests/fixtures/profiles/bad/missing-size.ini:4' "$D/junit.xml" || fail "junit"
# two jobs really ran at once: their run times overlap in the joblog
awk -F'\t' 'NR > 1 { s[NR] = $3; e[NR] = $3 + $4 } END {
	for (i in s) for (j in s) if (i != j && s[j] >= s[i] && s[j] < e[i]) exit 0; exit 1 }' \
	"$D/joblog" || fail "no two jobs overlapped: $(cat "$D/joblog")"
assert_clean

# 2. --retries: a profile that always fails is rerun, stays a stable FAIL
awk '/^\[worker big\]/ { w = "big" } /^\[worker small\]/ { w = "small" }
     /^expect/ && w == "big" { print "expect = survives"; next }
     /^expect/ && w == "small" { print "expect = killed 1"; next }
     /^expect/ { print "expect = any"; next } { print }' profiles/size-ranking.ini >"$TMP/wrong.ini"
"$OOMLAB" suite --retries 1 --results-dir "$TMP/s2" "$TMP/wrong.ini" >"$TMP/out" 2>&1
rc=$?
[ "$rc" = 1 ] || { cat "$TMP/out"; fail "retries: exit $rc, expected 1"; }
[ "$(jq -r '.profiles[0].runs' "$TMP/s2/suite.json")" = 2 ] || fail "retries: not rerun once"
grep -q "<rerunFailure" "$TMP/s2/junit.xml" || fail "retries: no rerunFailure"
assert_clean

# 3. SIGINT mid-suite, then --resume
D=$TMP/s3
setsid "$OOMLAB" suite --jobs 2 --repeat 8 --results-dir "$D" profiles/size-ranking.ini \
	>"$TMP/out3" 2>&1 &
pid=$!
for _ in $(seq 100); do
	[ "$(ls "$D"/runs 2>/dev/null | wc -l)" -ge 3 ] && break
	sleep 0.05
done
kill -INT -- -"$pid"
wait "$pid"
rc=$?
[ "$rc" = 2 ] || { cat "$TMP/out3"; fail "interrupted suite exit $rc, expected 2"; }
grep -q "interrupted" "$TMP/out3" || fail "no word of the interruption"
sleep 0.5
assert_clean
done1=$(jq -r '.profiles[0].runs' "$D/suite.json")
[ "$done1" -lt 8 ] || fail "the SIGINT came too late to test anything ($done1 runs)"
"$OOMLAB" suite --resume --jobs 2 --repeat 8 --results-dir "$D" profiles/size-ranking.ini \
	>"$TMP/out" 2>&1 || { cat "$TMP/out"; fail "resume failed"; }
[ "$(jq -r '.profiles[0].runs' "$D/suite.json")" = 8 ] || fail "resume: $(jq -c '.profiles[0]' "$D/suite.json")"
[ "$(jq -r '.profiles[0].status' "$D/suite.json")" = stable ] || fail "resume: not stable"
# the same directory without --resume is refused: results never overwritten
"$OOMLAB" suite --results-dir "$D" profiles/size-ranking.ini >/dev/null 2>&1 && fail "reused a suite dir"
assert_clean

# 4. admission: limits that cannot all fit wait, and it says so
printf '[profile]\nmemory_limit = 16G\n[worker a]\nsize = 10M\nexpect = killed 1\n' >"$TMP/big.ini"
"$OOMLAB" suite --dry-run --jobs 4 "$TMP/big.ini" >"$TMP/out" 2>&1 || fail "dry run"
grep -q "admission: 4 jobs x .* exceed .* wait" "$TMP/out" || fail "admission: $(cat "$TMP/out")"
grep -q "^run	-q	--results-dir	runs/1	" "$TMP/out" || fail "dry run: no job list"
echo "  ok: suite on 2 jobs, broken profile, retries, SIGINT + resume, admission"
