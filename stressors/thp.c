// SPDX-License-Identifier: MIT
/*
 * thp: an anonymous mapping aligned to 2 MiB with MADV_HUGEPAGE, so that
 * with THP "madvise" (the usual default) each first touch of a 2 MiB
 * extent faults one huge page. Every 4 KiB page is still written, so the
 * size is reached even where the kernel falls back to small pages; only
 * the first touch of each 2 MiB extent is timed (the other 511 writes are
 * no faults when the huge page was allocated).
 */
#include <stdint.h>
#include <sys/mman.h>

#include "util.h"
#include "worker.h"

struct thp_state {
	const struct worker_opts *o;
	char *p;
	uint64_t touched;
};

static void retouch(void *arg)
{
	struct thp_state *t = arg;

	madvise(t->p, t->o->size, MADV_DONTNEED);
	slot_add_bytes(t->o->slot, -(int64_t)t->touched);
	t->touched = 0;
	touch_range_sampled(t->o, t->p, t->o->size, THP_SIZE / PAGE, &t->touched);
}

static int thp_run(const struct worker_opts *o)
{
	struct thp_state t = { .o = o };
	uintptr_t a;
	char *raw;
	int r;

	/* over-allocate by one huge page and align; the slack stays untouched */
	raw = mmap(NULL, o->size + THP_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	if (raw == MAP_FAILED) {
		r = -errno;
		slot_fail(o->slot, r);
		return r;
	}
	a = ((uintptr_t)raw + THP_SIZE - 1) & ~(uintptr_t)(THP_SIZE - 1);
	t.p = (char *)a;
	/* EINVAL: THP not built in or "never"; not an allocation failure */
	if (madvise(t.p, o->size, MADV_HUGEPAGE) < 0)
		return -errno;
	slot_set_phase(o->slot, SB_PHASE_RAMPING);
	/* the first byte of each extent is written first, so that is the timed fault */
	r = touch_range_sampled(o, t.p, o->size, THP_SIZE / PAGE, &t.touched);
	if (r == 0)
		r = hold_phase(o, retouch, &t);
	return r;
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_thp = {
	.run = thp_run,
};
