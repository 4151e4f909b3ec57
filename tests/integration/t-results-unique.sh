# A result never overwrites another (issue 7, defect 4): the same profile
# four times in one second of one process left 2 files, as names were
# basename + second + PID. Now each run has its own file.
. "$(dirname "$0")/lib.sh"
need_root
printf '[profile]\nmemory_limit = 64M\ntimeout = 20s\n[worker a]\nsize = 16M\nexpect = killed 1\n' >"$TMP/ok.ini"
mkdir -p "$TMP/R"
"$OOMLAB" run -q --results-dir "$TMP/R" "$TMP/ok.ini" "$TMP/ok.ini" "$TMP/ok.ini" "$TMP/ok.ini" \
	>"$TMP/out" 2>&1
rc=$?
[ $rc = 0 ] || { cat "$TMP/out"; fail "exit $rc, expected 0"; }
n=$(ls "$TMP/R" | wc -l)
[ "$n" = 4 ] || fail "4 runs left $n files: $(ls "$TMP/R")"
ls -A "$TMP/R" | grep -q '^\.' && fail "a temporary file was left: $(ls -A "$TMP/R")"
# four different runs, not one document four times: each names its own victim
pids=$(for f in "$TMP"/R/*.json; do jq -r '.workers[0].pid' "$f"; done | sort -u | wc -l)
[ "$pids" = 4 ] || fail "the 4 files hold $pids distinct runs"
assert_clean
