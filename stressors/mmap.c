// SPDX-License-Identifier: MIT
/* mmap: one anonymous private mapping, first touch of every page. */
#include <sys/mman.h>

#include "util.h"
#include "worker.h"

struct mmap_state {
	const struct worker_opts *o;
	char *p;
	uint64_t touched;
};

static void retouch(void *arg)
{
	struct mmap_state *m = arg;

	/* MADV_DONTNEED drops the pages: the next touch faults them afresh */
	madvise(m->p, m->o->size, MADV_DONTNEED);
	slot_add_bytes(m->o->slot, -(int64_t)m->touched);
	m->touched = 0;
	touch_range(m->o, m->p, m->o->size, &m->touched);
}

static int mmap_run(const struct worker_opts *o)
{
	struct mmap_state m = { .o = o };
	int r;

	m.p = mmap(NULL, o->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m.p == MAP_FAILED) {
		r = -errno;
		slot_fail(o->slot, r);
		return r;
	}
	return ramp_and_hold(o, m.p, &m.touched, retouch, &m);
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_mmap = {
	.run = mmap_run,
};
