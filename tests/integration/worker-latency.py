#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The worker's latency histograms in its scoreboard slot (SB_VERSION 2).

In a child memcg of ours (64M limit): an mmap worker of 16M files every
first touch (4096) under the phase the header's lat_phase word says (set
to "reclaim" before it starts), their sum is in ns (within the ramp's wall
time), and the slot keeps the counts after a SIGKILL; --no-latency records nothing; fork-tree children and parent add
into one slot without losing a sample. Exit 0 PASS, 1 FAIL, 77 SKIP.
"""
import mmap, os, signal, struct, sys, time

W = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build/oomlab-worker")
SLOT = 32768
MAGIC, VERSION = 0x313042414C4D4F4F, 2
# include/scoreboard.h, include/hist.h
OFF_PHASE, OFF_LAT = 16, 88
HIST_BUCKETS, REC = 1856, 16 + 1856 * 4
PHASES = ["below_limit", "reclaim", "swap", "oom"]
HOLDING = 2


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def fail(why):
    print("FAIL: " + why)
    sys.exit(1)


def memcg():
    for line in open("/proc/self/cgroup"):
        _, ctrl, path = line.strip().split(":", 2)
        if "memory" in ctrl.split(","):
            return "/sys/fs/cgroup/memory" + path, "memory.limit_in_bytes"
    path = open("/proc/self/cgroup").read().split("::", 1)[1].strip()
    base = "/sys/fs/cgroup" + path
    if "memory" in open(base + "/cgroup.controllers").read().split():
        return base, "memory.max"
    skip("no memory cgroup controller")


class Board:
    def __init__(self, n):
        self.fd = os.memfd_create("oomlab-sb", 0)
        os.ftruncate(self.fd, (n + 1) * SLOT)
        self.m = mmap.mmap(self.fd, (n + 1) * SLOT)
        self.m[0:20] = struct.pack("<QIII", MAGIC, VERSION, n, 0)

    def set_lat_phase(self, p):
        struct.pack_into("<I", self.m, 16, p)

    def phase(self, k):
        return struct.unpack_from("<I", self.m, (k + 1) * SLOT + OFF_PHASE)[0]

    def ramp_ns(self, k):
        t_start, t_ramped = struct.unpack_from("<QQ", self.m, (k + 1) * SLOT + 32)
        return t_ramped - t_start

    def counts(self, k, p):
        o = (k + 1) * SLOT + OFF_LAT + p * REC
        total_ns, max_ns = struct.unpack_from("<QQ", self.m, o)
        c = struct.unpack_from("<%dI" % HIST_BUCKETS, self.m, o + 16)
        return sum(c), total_ns, max_ns


def run(board, k, cg, args, kill=False):
    pid = os.fork()
    if pid == 0:
        with open(cg + "/cgroup.procs", "w") as f:
            f.write(str(os.getpid()))
        os.environ["OOMLAB_SCOREBOARD_FD"] = str(board.fd)
        os.environ["OOMLAB_SLOT"] = str(k)
        os.set_inheritable(board.fd, True)
        os.execv(W, [W] + args)
    deadline = time.time() + 30
    while board.phase(k) != HOLDING and time.time() < deadline:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            fail("%s exited before HOLDING" % args)
        time.sleep(0.01)
    if board.phase(k) != HOLDING:
        os.kill(pid, signal.SIGKILL)
        fail("%s did not reach HOLDING" % args)
    os.kill(pid, signal.SIGKILL if kill else signal.SIGTERM)
    os.waitpid(pid, 0)


def main():
    if os.geteuid() != 0:
        skip("needs root (memory cgroup)")
    if not os.access(W, os.X_OK):
        skip("build first (make)")
    base, knob = memcg()
    cg = "%s/oomlab-lat.%d" % (base, os.getpid())
    os.mkdir(cg)
    try:
        with open(cg + "/" + knob, "w") as f:
            f.write("64M")
        b = Board(3)
        b.set_lat_phase(1)  # "reclaim": where the samples must land
        run(b, 0, cg, ["-p", "mmap", "-s", "16M", "-n", "lat-mmap"], kill=True)
        got = [b.counts(0, p)[0] for p in range(4)]
        if got != [0, 4096, 0, 0]:
            fail("mmap 16M under lat_phase=reclaim, SIGKILLed: counts by phase %s" % got)
        n, total, mx = b.counts(0, 1)
        if not 0 < mx <= total:
            fail("sum %d / max %d inconsistent" % (total, mx))
        # chained timestamps cover the ramp but for the flush steps: the
        # sum is in ns of CLOCK_MONOTONIC (TSC ticks converted), not ticks
        ramp = b.ramp_ns(0)
        if not 0.5 * ramp < total <= ramp:
            fail("latency sum %d ns against a ramp of %d ns" % (total, ramp))
        b.set_lat_phase(0)
        run(b, 1, cg, ["-p", "mmap", "-s", "16M", "-n", "lat-off", "--no-latency"])
        got = [b.counts(1, p)[0] for p in range(4)]
        if got != [0, 0, 0, 0]:
            fail("--no-latency recorded %s" % got)
        run(b, 2, cg, ["-p", "fork-tree", "-s", "32M", "-k", "3", "--parent-size", "8M",
                       "-n", "lat-tree"])
        got = [b.counts(2, p)[0] for p in range(4)]
        if got != [8192, 0, 0, 0]:
            fail("fork-tree 32M (3 children + parent): counts by phase %s, want 8192" % got)
        print("ok: phases filed, kept after SIGKILL, --no-latency empty, fork-tree exact")
    finally:
        for _ in range(50):
            try:
                os.rmdir(cg)
                break
            except OSError:
                time.sleep(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
