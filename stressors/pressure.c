// SPDX-License-Identifier: MIT
/*
 * pressure: the harness's OOM trigger. It charges memory to its memcg
 * without holding it in its own rss, so the kernel's badness of this
 * process (rss + swap + pgtables) stays tiny and the OOM killer picks the
 * profile's workers instead.
 *
 * How: fallocate() on a memfd, never mapped. shmem pages allocated by
 * fallocate are charged to the caller's memcg and a failed charge invokes
 * the memcg OOM killer from the charge path (measured on 6.18, v1 memcg);
 * unmapped shmem is in no process's rss. This matters on cgroup v1, where
 * lowering memory.limit_in_bytes below usage fails with EBUSY instead of
 * OOM-killing, so a trigger has to allocate.
 *
 * After each chunk it reads the "oom_kill N" line of each --oom-counter
 * (v1 memory.oom_control, v2 memory.events, /proc/vmstat) and pauses after
 * every kill until the harness bumps slot->go_gen (or sets slot->stop), so
 * the harness can observe one kill at a time.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include "util.h"
#include "worker.h"

/* back-off after a failed fallocate before trying again */
#define RETRY_MS 10
/* with --oom-notify: the counters are read this long after each OOM
 * notification (the kill's counter moves after it), and this often anyway */
#define NOTIFY_SCAN_NS (200 * 1000000ULL)
#define IDLE_SCAN_NS (50 * 1000000ULL)

static int read_counter(const char *path, uint64_t *ret)
{
	return read_keyed_u64(path, "oom_kill", ret);
}

/*
 * New kills since the last call, summed over the counter files. v1 counts
 * a kill only in the victim's own memcg (memcg_memory_event on the
 * victim's, no hierarchy), so the harness passes every memcg of the
 * domain; v2's memory.events is hierarchical and one file does. Each file
 * keeps its own last value: one that cannot be read now (its cgroup gone)
 * is skipped without making the sum go down and up again.
 */
static uint64_t new_kills(const struct worker_opts *o, uint64_t *last)
{
	uint64_t d = 0, n;

	for (unsigned i = 0; i < o->noom_counters; i++)
		if (read_counter(o->oom_counter[i], &n) == 0 && n > last[i]) {
			d += n - last[i];
			last[i] = n;
		}
	return d;
}

/*
 * v1: an eventfd on DIR/memory.oom_control through cgroup.event_control.
 * mem_cgroup_oom_notify() signals the memcg in OOM and every memcg below
 * it, so ours (DIR, where we charge) hears every OOM our own charges
 * cause. With 512 workers there are 514 counter files: read after every
 * 1 MiB step they cost more than the step (measured: the fill before the
 * first kill took 0.7 s), read after a notification they cost nothing
 * until the OOM. The eventfd, or -errno (then: every step, as before).
 */
static int notify_open(const char *dir)
{
	char path[4096], line[64];
	_cleanup_close_ int ofd = -1, cfd = -1;
	int efd, n;

	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return -errno;
	snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
	ofd = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%s/cgroup.event_control", dir);
	cfd = ofd < 0 ? -1 : open(path, O_WRONLY | O_CLOEXEC);
	n = snprintf(line, sizeof(line), "%d %d", efd, ofd);
	if (cfd < 0 || write(cfd, line, (size_t)n) != n) {
		int e = errno ? -errno : -EIO;

		close(efd);
		return e;
	}
	return efd;
}

/* Read the counters now? After a notification for a while, else now and then. */
static bool scan_due(int efd, uint64_t *until, uint64_t *last)
{
	uint64_t n = 0, now;

	if (efd < 0)
		return true;
	now = now_ns();
	if (read(efd, &n, sizeof(n)) == sizeof(n) && n)
		*until = now + NOTIFY_SCAN_NS;
	/* a kill our charges did not cause (a worker's own limit) has no
	 * notification here: counted within IDLE_SCAN_NS all the same */
	if (now < *until || now - *last >= IDLE_SCAN_NS) {
		*last = now;
		return true;
	}
	return false;
}

/* Paused until the harness says go (0) or a stop (-EINTR). */
static int pause_for_go(const struct worker_opts *o)
{
	struct sb_slot *s = o->slot;
	uint32_t gen = __atomic_load_n(&s->go_gen, __ATOMIC_ACQUIRE);

	/* go_gen is read before PAUSED is published: a go cannot be missed */
	slot_set_phase(s, SB_PHASE_PAUSED);
	if (o->standalone) /* nobody to say go: report and go on */
		return 0;
	while (__atomic_load_n(&s->go_gen, __ATOMIC_ACQUIRE) == gen)
		if (sleep_ms_stoppable(s, 1))
			return -EINTR;
	return 0;
}

static int pressure_run(const struct worker_opts *o)
{
	struct sb_slot *s = o->slot;
	_cleanup_close_ int fd = -1, efd = -1;
	uint64_t off = 0, kills = 0, t0, scan_until = 0, last_scan = 0;
	uint64_t last[PATTERN_MAX_OOM_COUNTERS] = { 0 };
	char buf[16];
	int r;

	fd = memfd_create("oomlab-pressure", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (unsigned i = 0; i < o->noom_counters; i++) {
		r = read_counter(o->oom_counter[i], &last[i]);
		if (r < 0)
			return r;
	}
	if (o->oom_notify)
		efd = notify_open(o->oom_notify); /* < 0: a scan every step */
	slot_set_phase(s, SB_PHASE_RAMPING);
	t0 = now_ns();
	while (!worker_stopped(s)) {
		uint64_t len = o->chunk, n;

		if (o->size && off >= o->size)
			return hold_phase(o, NULL, NULL);
		if (o->size && o->size - off < len)
			len = o->size - off;
		if (fallocate(fd, 0, (off_t)off, (off_t)len) < 0) {
			if (errno == EINTR)
				continue;
			/* ENOMEM/ENOSPC is data; try again until stopped */
			slot_fail(s, errno);
			if (sleep_ms_stoppable(s, RETRY_MS))
				break;
		} else {
			if (__atomic_load_n(&s->phase, __ATOMIC_RELAXED) != SB_PHASE_RAMPING) {
				__atomic_store_n(&s->err, 0, __ATOMIC_RELAXED);
				slot_set_phase(s, SB_PHASE_RAMPING);
			}
			off += len;
			slot_add_bytes(s, (int64_t)len);
			progress(o);
		}
		n = scan_due(efd, &scan_until, &last_scan) ? new_kills(o, last) : 0;
		if (n) {
			__atomic_fetch_add(&s->oom_kills_seen, n, __ATOMIC_RELAXED);
			kills += n;
			if (!o->quiet)
				log_info("oom_kill %llu after %s", (unsigned long long)kills,
					 format_size(off, buf));
			if (pause_for_go(o) < 0)
				break;
			/* counted: the next OOM will notify again */
			scan_until = 0;
			slot_set_phase(s, SB_PHASE_RAMPING);
		}
		ramp_wait(o, t0, off);
	}
	return -EINTR;
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_pressure = {
	.run = pressure_run,
};
