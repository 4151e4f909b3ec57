#!/bin/sh
# Install what oomlab needs to build and test, only what is missing.
# Debian/Ubuntu (apt). Runs as root; without root it only reports.
set -e
PKGS="gcc make pkg-config libcgroup-dev libcap-dev libinih-dev libjansson-dev
libcmocka-dev parallel jq perl python3
qemu-system-x86 busybox-static kmod xz-utils
openssh-server openssh-client rsync debian-archive-keyring iproute2 util-linux
libtracefs-dev libtraceevent-dev gnuplot-nox
clang libclang-rt-14-dev clang-format
postgresql redis-server nginx-light stress-ng"
[ -n "$OOMLAB_DEPS_EXTRA" ] && PKGS="$PKGS $OOMLAB_DEPS_EXTRA"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing:$missing (run as root, or: apt-get install$missing)" >&2
	exit 1
fi
echo "deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >/dev/null
