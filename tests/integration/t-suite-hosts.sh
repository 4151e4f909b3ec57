#!/bin/bash
# oomlab suite across two hosts for real, on loopback: two network
# namespaces joined by a veth pair (10.213.57.1 and .2/30, addresses that
# exist only inside them), an sshd in each with a host key and a client key
# made here, each "host" with a /root of its own (a tmpfs in a mount
# namespace of its own, so the two work directories are really two). The
# suite runs in the first namespace; parallel sends the binaries and
# profiles (--basefile), runs the jobs over ssh and brings the result
# documents back (--return). A third host that does not answer has its
# jobs retried elsewhere (--retries). Namespaces, daemons and keys are
# removed at the end.
. "$(dirname "$0")/lib.sh"
need_root
for c in parallel ssh ssh-keygen /usr/sbin/sshd ip rsync jq unshare nsenter; do
	command -v "$c" >/dev/null || skip "no $c (tests/deps.sh installs openssh-server, openssh-client, rsync)"
done
cd "$TOP" || exit 1

NS_A=oomlab-ha-$$
NS_B=oomlab-hb-$$
VA=oomva$$
VB=oomvb$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
	done
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	ip link del "$VA" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

ip netns add "$NS_A" || skip "cannot create a network namespace"
ip netns add "$NS_B" || fail "second namespace"
ip link add "$VA" type veth peer name "$VB" || skip "no veth support"
ip link set "$VA" netns "$NS_A"
ip link set "$VB" netns "$NS_B"
ip -n "$NS_A" addr add 10.213.57.1/30 dev "$VA"
ip -n "$NS_B" addr add 10.213.57.2/30 dev "$VB"
for ns in "$NS_A" "$NS_B"; do
	ip -n "$ns" link set lo up
done
ip -n "$NS_A" link set "$VA" up
ip -n "$NS_B" link set "$VB" up

K=$TMP/keys
mkdir -p "$K" /run/sshd
chmod 700 "$K"
ssh-keygen -q -t ed25519 -N '' -f "$K/host" || fail "host key"
ssh-keygen -q -t ed25519 -N '' -f "$K/client" || fail "client key"
cp "$K/client.pub" "$K/authorized_keys"
start_sshd() {	# NS ADDR NAME
	cat >"$K/sshd-$3" <<EOC
ListenAddress $2
Port 22
HostKey $K/host
PidFile $K/sshd-$3.pid
AuthorizedKeysFile $K/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
AcceptEnv LANG
EOC
	# a /root of its own: the two hosts must not share a work directory
	# nsenter --net, not ip netns exec: that one mounts a fresh /sys and
	# so hides the cgroup hierarchies under /sys/fs/cgroup
	nsenter --net="/run/netns/$1" unshare -m sh -c \
		"mount -t tmpfs -o size=64m,mode=700 oomlab-$3 /root && exec /usr/sbin/sshd -D -e -f $K/sshd-$3" \
		>"$K/sshd-$3.log" 2>&1 &
	pids+=($!)
}
start_sshd "$NS_A" 10.213.57.1 hostA
start_sshd "$NS_B" 10.213.57.2 hostB
cat >"$K/ssh_config" <<EOC
Host hostA
	HostName 10.213.57.1
Host hostB
	HostName 10.213.57.2
Host hostC
	HostName 10.213.57.3
	ConnectTimeout 2
Host *
	User root
	IdentityFile $K/client
	IdentitiesOnly yes
	UserKnownHostsFile /dev/null
	StrictHostKeyChecking no
	BatchMode yes
	LogLevel ERROR
EOC
for h in hostA hostB; do
	ok=""
	for _ in $(seq 50); do
		if nsenter --net="/run/netns/$NS_A" ssh -F "$K/ssh_config" "$h" true 2>/dev/null; then ok=1; break; fi
		sleep 0.1
	done
	[ -n "$ok" ] || { cat "$K"/sshd-*.log; fail "cannot ssh to $h"; }
done
t0=$(date +%s%N); nsenter --net="/run/netns/$NS_A" ssh -F "$K/ssh_config" hostB true; t1=$(date +%s%N)
echo "  one ssh to hostB: $(( (t1 - t0) / 1000000 )) ms"

printf '1/ssh -F %s hostA\n1/ssh -F %s hostB\n' "$K/ssh_config" "$K/ssh_config" >"$K/hosts"
D=$TMP/s
nsenter --net="/run/netns/$NS_A" "$OOMLAB" suite --sshloginfile "$K/hosts" --repeat 3 --results-dir "$D" \
	profiles/quickstart.ini profiles/size-ranking.ini >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 0 ] || { cat "$TMP/out" "$TMP/err"; fail "two-host suite exit $rc"; }
J=$D/suite.json
hosts=$(jq -r '[.profiles[].host] | unique | join(",")' "$J")
[ "$hosts" = "hostA,hostB" ] || { cat "$D/joblog"; fail "hosts: $hosts"; }
total=$(jq '[.profiles[].runs] | add' "$J")
[ "$total" = 6 ] || fail "runs: $total, expected 6"
[ "$(jq '[.profiles[].pass] | add' "$J")" = 6 ] || fail "not all passed: $(cat "$D/summary.md")"
for r in $(jq -r '.profiles[].results[]' "$J"); do
	[ -s "$D/$r" ] || [ -s "$r" ] || fail "result $r did not come back"
done
grep -q "| profile | hostA | hostB |" "$D/summary.md" || grep -q "| profile | hostB | hostA |" "$D/summary.md" ||
	fail "summary has no column per host: $(cat "$D/summary.md")"
cat "$D/summary.md" | sed 's/^/    /'

# a host that does not answer: its jobs go to the others
printf '1/ssh -F %s hostA\n1/ssh -F %s hostC\n' "$K/ssh_config" "$K/ssh_config" >"$K/hosts2"
nsenter --net="/run/netns/$NS_A" "$OOMLAB" suite --sshloginfile "$K/hosts2" --retries 2 --repeat 2 \
	--results-dir "$TMP/s2" profiles/quickstart.ini >"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 0 ] || [ "$rc" = 2 ] || { cat "$TMP/out" "$TMP/err"; fail "unreachable host: exit $rc"; }
if [ "$rc" = 0 ]; then
	[ "$(jq '[.profiles[].pass] | add' "$TMP/s2/suite.json")" = 2 ] || fail "retried jobs did not pass"
else
	# reported BROK, with ssh's message
	jq -r '.profiles[].results' "$TMP/s2/suite.json" >/dev/null
	grep -qi "ssh\|connect\|timed out" "$TMP/s2/summary.md" || fail "BROK without ssh's message: $(cat "$TMP/s2/summary.md")"
fi
echo "  ok: two hosts on loopback (hostA, hostB), an unreachable host (exit $rc)"
