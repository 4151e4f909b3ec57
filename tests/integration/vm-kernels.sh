#!/bin/bash
# oomlab vm kernels --fetch across Debian's suites with oomlab's own apt
# configuration: a series resolves to its newest kernel, a version no
# suite serves names those they do serve, and the system's apt sources
# and lists are untouched.
. "$(dirname "$0")/lib.sh"
command -v apt-get >/dev/null || skip "no apt-get"
[ -r /usr/share/keyrings/debian-archive-keyring.gpg ] || skip "no debian-archive-keyring"
before=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | md5sum)
lists_before=$(ls /var/lib/apt/lists 2>/dev/null | md5sum)
"$OOMLAB" vm kernels --fetch 4.19 >"$TMP/out" 2>"$TMP/err"
rc=$?
if grep -q "apt-get update\|Could not resolve\|Temporary failure" "$TMP/err"; then
	skip "Debian's archive cannot be reached: $(tail -n 1 "$TMP/err")"
fi
[ "$rc" = 2 ] || fail "--fetch 4.19: exit $rc: $(cat "$TMP/err")"
grep -q "they serve: 5.10 (5.10.0-[0-9]*-cloud-amd64), 6.1 (6.1.0-" "$TMP/err" ||
	fail "no list of what is served: $(cat "$TMP/err")"
grep -q ", 7\.[0-9]* (7\." "$TMP/err" || fail "sid's 7.x not among the served: $(cat "$TMP/err")"
# a series: the newest 6.1 (cached or fetched; 6.1 is the default's series)
v=$("$OOMLAB" vm kernels --fetch 6.1 2>"$TMP/err") || fail "--fetch 6.1: $(cat "$TMP/err")"
case $v in 6.1.0-*-cloud-amd64) ;; *) fail "--fetch 6.1 gave '$v'" ;; esac
"$OOMLAB" vm kernels | grep -q "^$v " || fail "$v not listed as cached"
[ "$(cat /etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | md5sum)" = "$before" ] ||
	fail "the system's apt sources changed"
[ "$(ls /var/lib/apt/lists 2>/dev/null | md5sum)" = "$lists_before" ] || fail "the system's apt lists changed"
echo "  ok: 4.19 refused with the served list; 6.1 -> $v; system apt untouched"
