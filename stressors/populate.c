// SPDX-License-Identifier: MIT
/*
 * populate: MAP_POPULATE, the kernel faults every page in inside mmap().
 * There is no per-page first touch to time, so the histogram stays empty;
 * t_ramped_ns - t_start_ns is the whole populate time. With --ramp the
 * range is populated 1 MiB at a time (MAP_FIXED over a reservation), so
 * progress is still reported and paced.
 */
#include <sys/mman.h>

#include "util.h"
#include "worker.h"

#define PROT_RW (PROT_READ | PROT_WRITE)
#define FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE)

struct populate_state {
	const struct worker_opts *o;
	char *p;
	int err;
};

/* 0, -EINTR when stopped, -errno (slot failed) when mmap fails */
static int fill(struct populate_state *ps)
{
	const struct worker_opts *o = ps->o;
	uint64_t t0 = now_ns();

	if (!o->ramp_bps) {
		/* one call; mmap does not fail when population runs short */
		ps->p = mmap(NULL, o->size, PROT_RW, FLAGS, -1, 0);
		if (ps->p == MAP_FAILED)
			goto fail;
		slot_add_bytes(o->slot, (int64_t)o->size);
		return 0;
	}
	/* reserve the range so the chunks land contiguously */
	ps->p = mmap(NULL, o->size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ps->p == MAP_FAILED)
		goto fail;
	for (uint64_t off = 0; off < o->size; off += MIB) {
		uint64_t len = o->size - off < MIB ? o->size - off : MIB;

		if (mmap(ps->p + off, len, PROT_RW, FLAGS | MAP_FIXED, -1, 0) == MAP_FAILED)
			goto fail;
		slot_add_bytes(o->slot, (int64_t)len);
		progress(o);
		if (worker_stopped(o->slot))
			return -EINTR;
		ramp_wait(o, t0, off + len);
	}
	return 0;
fail:
	ps->err = -errno;
	slot_fail(o->slot, ps->err);
	return ps->err;
}

static void retouch(void *arg)
{
	struct populate_state *ps = arg;

	munmap(ps->p, ps->o->size);
	slot_add_bytes(ps->o->slot, -(int64_t)ps->o->size);
	fill(ps);
}

static int populate_run(const struct worker_opts *o)
{
	struct populate_state ps = { .o = o };
	int r;

	slot_set_phase(o->slot, SB_PHASE_RAMPING);
	r = fill(&ps);
	if (r == 0)
		r = hold_phase(o, retouch, &ps);
	return r;
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_populate = {
	.run = populate_run,
};
