#!/bin/sh
# Write an oomlab marker to /dev/kmsg and read it back with the kmsg reader.
# Needs root (or CAP_SYSLOG with dmesg_restrict) and a writable /dev/kmsg:
# exits 77 (SKIP) otherwise. No OOM, no cgroup.
set -eu
cd "$(dirname "$0")/../.."
B=${B:-build}
if [ "$(id -u)" != 0 ] || [ ! -r /dev/kmsg ] || [ ! -w /dev/kmsg ]; then
	echo "SKIP: kmsg-marker needs root and a readable, writable /dev/kmsg"
	exit 77
fi
make -s "$B/harness/kmsg.o" "$B/harness/util.o"
bin=$(mktemp /tmp/kmsg-marker.XXXXXX)
trap 'rm -f "$bin"' EXIT
${CC:-cc} -std=gnu11 -D_GNU_SOURCE -Iinclude -Wall -Wextra -o "$bin" \
	tests/integration/kmsg-marker.c "$B/harness/kmsg.o" "$B/harness/util.o"
"$bin" /dev/kmsg
