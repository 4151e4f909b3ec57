#!/bin/sh
# Run every unit test binary; cmocka prints its own summary per group.
# Exit non-zero if any failed; print a plain "N passed, N failed" total.
pass=0; fail=0
for t in "$@"; do
	if "$t"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $t"; fi
done
echo "unit: $pass passed, $fail failed"
[ "$fail" = 0 ]
