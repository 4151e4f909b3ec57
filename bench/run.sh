#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench: run every benchmark; each prints its own table and SKIPs with
# a reason where this machine cannot run it.
cd "$(dirname "$0")/.." || exit 1
rc=0
for b in bench/fault-ratio.sh bench/quickstart-ratio.sh bench/suite-ratio.sh \
	bench/probe-overhead.sh; do
	"$b" || rc=1
done
exit $rc
