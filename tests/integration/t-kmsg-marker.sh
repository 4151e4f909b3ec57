#!/bin/bash
# Write an oomlab marker to the real /dev/kmsg and read it back with the
# kmsg reader (test-kmsg-live.c). No OOM, no cgroup.
. "$(dirname "$0")/lib.sh"
need_root
[ -r /dev/kmsg ] && [ -w /dev/kmsg ] || skip "/dev/kmsg is not readable and writable"
make -s -C "$TOP" build/tests/integration/kmsg-live >/dev/null || fail "build"
"$TOP/build/tests/integration/kmsg-live" /dev/kmsg || fail "marker round trip"
