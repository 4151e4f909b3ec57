#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Real memcg OOM through oomlab-worker --pattern pressure (cgroup v1 or v2).

Three mmap workers (40M, 80M, 160M) and one pressure worker share a child
memcg of ours limited to 320M. Checks: the pressure worker pauses after each
kill (PAUSED, bytes frozen, oom_kills_seen counts), its rss stays < 2 MiB,
the kernel kills the biggest worker first, then the next, and a stop ends
pressure with exit 0. Exit 0 PASS, 1 FAIL, 77 SKIP (prints why).
"""
import mmap, os, signal, struct, sys, time

W = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build/oomlab-worker")
SLOT = 32768
MAGIC, VERSION = 0x313042414C4D4F4F, 2
# struct sb_slot offsets (include/scoreboard.h)
OFF = dict(bytes=0, target=8, phase=16, pid=20, err=24, cycles=28, t_start=32,
           t_ramped=40, t_update=48, kills=56, go=64, stop=68)
PH = ["INIT", "RAMPING", "HOLDING", "ALLOC_FAILED", "FREEING", "PAUSED", "DONE"]


def skip(why):
    print("SKIP: " + why)
    sys.exit(77)


def memcg_root():
    for line in open("/proc/self/cgroup"):
        _, ctrl, path = line.strip().split(":", 2)
        if "memory" in ctrl.split(","):
            return "/sys/fs/cgroup/memory" + path, "v1"
    path = open("/proc/self/cgroup").read().split("::", 1)[1].strip()
    base = "/sys/fs/cgroup" + path
    if "memory" in open(base + "/cgroup.controllers").read().split():
        return base, "v2"
    skip("no memory cgroup controller")


class Board:
    def __init__(self, n):
        self.fd = os.memfd_create("oomlab-sb", 0)
        os.ftruncate(self.fd, (n + 1) * SLOT)
        self.m = mmap.mmap(self.fd, (n + 1) * SLOT)
        self.m[0:16] = struct.pack("<QII", MAGIC, VERSION, n)

    def get(self, k, f, fmt="<Q"):
        o = (k + 1) * SLOT + OFF[f]
        return struct.unpack_from(fmt, self.m, o)[0]

    def put(self, k, f, v):
        struct.pack_into("<I", self.m, (k + 1) * SLOT + OFF[f], v)

    def phase(self, k):
        return PH[self.get(k, "phase", "<I")]


def rss_kb(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return -1


def main():
    if os.geteuid():
        skip("needs root to create a memcg")
    if not os.access(W, os.X_OK):
        skip("build/oomlab-worker missing (make)")
    base, ver = memcg_root()
    cg = os.path.join(base, "wtest-pressure.%d" % os.getpid())
    os.mkdir(cg)
    fail = []
    procs = {}
    try:
        if ver == "v1":
            open(cg + "/memory.limit_in_bytes", "w").write("320M")
            counter = cg + "/memory.oom_control"
        else:
            open(cg + "/memory.max", "w").write("320M")
            counter = cg + "/memory.events"
        sizes = ["40M", "80M", "160M"]
        sb = Board(4)

        def spawn(k, args):
            pid = os.fork()
            if pid == 0:
                open(cg + "/cgroup.procs", "w").write(str(os.getpid()))
                env = dict(os.environ, OOMLAB_SCOREBOARD_FD=str(sb.fd), OOMLAB_SLOT=str(k))
                os.execve(W, [W] + args, env)
            procs[pid] = k
            return pid

        for k, s in enumerate(sizes):
            spawn(k, ["-p", "mmap", "-s", s, "-n", "victim%d" % k])
        t0 = time.time()
        while any(sb.phase(k) != "HOLDING" for k in range(3)):
            if time.time() - t0 > 20:
                raise RuntimeError("victims did not ramp")
            time.sleep(0.01)
        pp = spawn(3, ["-p", "pressure", "--oom-counter", counter, "-n", "pressure"])
        dead = []
        for kill in range(1, 4):
            t0 = time.time()
            while sb.phase(3) != "PAUSED" or sb.get(3, "kills") < kill:
                if time.time() - t0 > 20:
                    raise RuntimeError("no pause after kill %d (phase %s)" % (kill, sb.phase(3)))
                time.sleep(0.001)
            for pid, k in list(procs.items()):
                if k < 3 and os.waitpid(pid, os.WNOHANG)[0] == pid:
                    dead.append(k)
                    del procs[pid]
            # the victim may still be exiting: wait for it
            while len(dead) < kill and time.time() - t0 < 5:
                for pid, k in list(procs.items()):
                    if k < 3 and os.waitpid(pid, os.WNOHANG)[0] == pid:
                        dead.append(k)
                        del procs[pid]
                time.sleep(0.005)
            b = sb.get(3, "bytes")
            time.sleep(0.2)
            if sb.get(3, "bytes") != b or sb.phase(3) != "PAUSED":
                fail.append("pressure did not stay paused after kill %d" % kill)
            r = rss_kb(pp)
            print("kill %d: dead slots %s, pressure holds %dM, rss %d kB"
                  % (kill, dead, b >> 20, r))
            if r > 2048:
                fail.append("pressure rss %d kB: its memory counts in its badness" % r)
            if kill < 3:
                sb.put(3, "go", sb.get(3, "go", "<I") + 1)
        if dead != [2, 1, 0]:
            fail.append("kill order %s, expected biggest first [2, 1, 0]" % dead)
        sb.put(3, "stop", 1)
        _, st = os.waitpid(pp, 0)
        del procs[pp]
        if not os.WIFEXITED(st) or os.WEXITSTATUS(st) != 0 or sb.phase(3) != "DONE":
            fail.append("pressure did not stop cleanly (status %d, %s)" % (st, sb.phase(3)))
    finally:
        for pid in procs:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        for _ in range(100):
            try:
                os.rmdir(cg)
                break
            except OSError:
                time.sleep(0.05)
    for f in fail:
        print("FAIL: " + f)
    if not fail:
        print("PASS: pressure worker paused after each of 3 kills, biggest first")
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
