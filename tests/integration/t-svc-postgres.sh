# "The batch job dies, postgres survives" with a real PostgreSQL: initdb
# into the run's workdir, the postmaster as user postgres, a client whose
# backend holds 64 MiB. Afterwards nothing is left: no postgres process,
# no workdir (data directory, socket), no SysV segment.
. "$(dirname "$0")/lib.sh"
need_root
PG=/usr/lib/postgresql/15/bin
[ -x "$PG/postgres" ] || skip "PostgreSQL 15 is not installed (apt-get install postgresql)"
id postgres >/dev/null 2>&1 || skip "no user postgres"
pgrep -u postgres >/dev/null && skip "a postgres of someone else's runs: cannot tell ours apart"
shm_before=$(ipcs -m | awk '$3 == "postgres"' | wc -l)
work_before=$(ls -d /tmp/oomlab-work-* 2>/dev/null)
run_profile "$TOP/profiles/services/postgres-survives.ini" 0
[ "$(jget '.workers[] | select(.name == "batch") | .kill_order')" = 1 ] || fail "batch not killed first"
for w in postgres client; do
	[ "$(jget ".workers[] | select(.name == \"$w\") | .killed")" = false ] || fail "$w was killed"
done
n=$(jget '.workers[] | select(.name == "postgres") | .tree | length')
[ "$n" -ge 6 ] || fail "postgres tree of $n processes"
[ "$(jget '.workers[] | select(.name == "postgres") | .tree[0].comm')" = postgres ] || fail "tree root"
# the backend holding the datum is the tree's first candidate, not the postmaster
big=$(jget '.workers[] | select(.name == "postgres") | .tree[] | select(.first_candidate) | .rss_bytes')
[ "$big" -gt $((64 << 20)) ] || fail "first candidate holds $big bytes"
[ "$(jget '.workers[] | select(.name == "postgres") | .tree[] | select(.first_candidate) | .depth')" = 1 ] ||
	fail "first candidate is not a backend"
grep -q "^      postgres .* alive" "$TMP/out" || fail "table has no tree: $(cat "$TMP/out")"
sleep 0.2
pgrep -u postgres >/dev/null && fail "postgres left behind: $(pgrep -u postgres -a)"
[ "$(ls -d /tmp/oomlab-work-* 2>/dev/null)" = "$work_before" ] || fail "workdir left behind"
[ "$(ipcs -m | awk '$3 == "postgres"' | wc -l)" = "$shm_before" ] || fail "SysV segment left: $(ipcs -m)"
[ ! -e /tmp/.s.PGSQL.54329 ] || fail "socket in /tmp"
assert_clean
