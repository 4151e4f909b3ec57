#!/bin/bash
# oomlab claims --vm --kernel A,B: two claims in a guest of each of two
# cached kernels (a suite on GNU parallel, one guest per kernel), printed
# as claims x kernels. SKIPs unless two kernels are cached (the full
# 4-kernel matrix is a manual run: docs/claims.md).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-vm.sh"
need_root
vm_need
command -v parallel >/dev/null || skip "no GNU parallel"
mapfile -t ks < <("$OOMLAB" vm kernels 2>/dev/null | awk '{print $1}')
[ "${#ks[@]}" -ge 2 ] || skip "fewer than two cached kernels (oomlab vm kernels --fetch 5.10)"
k1=${ks[0]} k2=${ks[${#ks[@]} - 1]}
mkdir -p "$TMP/c"
cp "$TOP"/profiles/claims/01-*.ini "$TOP"/profiles/claims/13-*.ini "$TMP/c/"
cd "$TMP" || exit 1
"$OOMLAB" claims --vm --kernel "$k1,$k2" --accel tcg --repeat 1 --markdown "$TMP/m.md" "$TMP/c" >"$TMP/out" 2>&1
rc=$?
[ "$rc" = 0 ] || { cat "$TMP/out"; fail "matrix exit $rc"; }
grep -q "^| # | claim | $k1 | $k2 |$" "$TMP/out" || fail "no claims x kernels header: $(cat "$TMP/out")"
[ "$(grep -c "| CONFIRMED 1/1 | CONFIRMED 1/1 |$" "$TMP/out")" = 2 ] || fail "claims 1 and 13 not CONFIRMED on both: $(cat "$TMP/out")"
grep -q "^| 13 |" "$TMP/m.md" || fail "no markdown"
echo "  ok: claims 1 and 13 x $k1, $k2"
