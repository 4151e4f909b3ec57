#!/bin/bash
# The pressure worker really OOM-kills workers in a memcg, biggest first,
# pausing after each kill (see worker-pressure.py). Exit 77 = SKIP.
cd "$(dirname "$0")" || exit 2
command -v python3 >/dev/null || { echo "SKIP: python3 not installed"; exit 77; }
exec timeout 120 python3 ./worker-pressure.py
