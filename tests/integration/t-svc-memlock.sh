# rlimit.memlock on this host: an mlock worker as user nobody cannot lock
# 32 MiB under the default 8 MiB RLIMIT_MEMLOCK; `oomlab check` warns and
# the ramp's BROK says why. Raising the limit above the hard 8 MiB needs
# CAP_SYS_RESOURCE, which this host lacks: SKIP with the reason (the
# guest runs it: vm-svc-memlock.sh).
. "$(dirname "$0")/lib.sh"
need_root
P="$TOP/profiles/services/mlock-memlock.ini"
grep -v '^rlimit.memlock' "$P" >"$TMP/nolimit.ini"
"$OOMLAB" check "$TMP/nolimit.ini" >"$TMP/check" 2>&1 || fail "check failed: $(cat "$TMP/check")"
grep -q "nolimit.ini:[0-9]*: warning: locked locks 32.0M but RLIMIT_MEMLOCK is 8.0M" "$TMP/check" ||
	fail "check does not warn: $(cat "$TMP/check")"
run_profile "$TMP/nolimit.ini" 2
jget .reason | grep -q "locked locks 32.0M but RLIMIT_MEMLOCK is 8.0M and it has no CAP_IPC_LOCK (user is not root)" ||
	fail "reason: $(jget .reason)"
assert_clean
"$OOMLAB" check "$P" >"$TMP/check" 2>&1 || fail "check failed"
grep -q "warning: locked locks" "$TMP/check" && fail "check warns with rlimit.memlock: $(cat "$TMP/check")"
eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
if [ $(((0x$eff >> 24) & 1)) = 0 ]; then # no CAP_SYS_RESOURCE (this host)
	run_profile "$P" 77
	jget .reason | grep -q "rlimit.memlock = 48.0M is above this host's hard limit" ||
		fail "reason: $(jget .reason)"
fi
assert_clean
