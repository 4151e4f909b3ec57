// SPDX-License-Identifier: MIT
/*
 * mlock: anonymous pages locked as they are faulted in (mlock2 with
 * MLOCK_ONFAULT, Linux >= 4.4), so the ramp is paced and timed like mmap
 * and the pages are unevictable. A refused lock (RLIMIT_MEMLOCK without
 * CAP_IPC_LOCK: EPERM or ENOMEM) is data: ALLOC_FAILED with err.
 */
#include <sys/mman.h>

#include "util.h"
#include "worker.h"

struct mlock_state {
	const struct worker_opts *o;
	char *p;
	uint64_t touched;
};

static int lock(struct mlock_state *m)
{
	if (mlock2(m->p, m->o->size, MLOCK_ONFAULT) < 0) {
		int r = -errno;

		slot_fail(m->o->slot, r);
		return r;
	}
	return 0;
}

static void retouch(void *arg)
{
	struct mlock_state *m = arg;

	/* locked pages refuse MADV_DONTNEED (EINVAL): unlock first */
	munlock(m->p, m->o->size);
	madvise(m->p, m->o->size, MADV_DONTNEED);
	slot_add_bytes(m->o->slot, -(int64_t)m->touched);
	m->touched = 0;
	if (lock(m) == 0)
		touch_range(m->o, m->p, m->o->size, &m->touched);
}

static int mlock_run(const struct worker_opts *o)
{
	struct mlock_state m = { .o = o };
	int r;

	m.p = mmap(NULL, o->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m.p == MAP_FAILED) {
		r = -errno;
		slot_fail(o->slot, r);
		return r;
	}
	r = lock(&m);
	if (r < 0)
		return r;
	return ramp_and_hold(o, m.p, &m.touched, retouch, &m);
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_mlock = {
	.run = mlock_run,
};
