#!/bin/bash
# Real-OOM integration tests: each tests/integration/t-*.sh really OOMs a
# memory cgroup on this machine (never globally) and checks the result.
# Prints ok / not ok / skip per test and a closing "N passed, N failed".
cd "$(dirname "$0")" || exit 2
pass=0; failn=0; skipn=0
for t in t-*.sh vm-*.sh; do
	out=$(bash "$t" 2>&1); rc=$?
	case $rc in
	0) pass=$((pass + 1)); echo "ok      ${t%.sh}" ;;
	77) skipn=$((skipn + 1)); echo "skip    ${t%.sh}: ${out##*SKIP: }" ;;
	*) failn=$((failn + 1)); echo "not ok  ${t%.sh}"; echo "$out" | sed 's/^/    /' ;;
	esac
done
echo "integration: $pass passed, $failn failed, $skipn skipped"
[ "$failn" = 0 ]
