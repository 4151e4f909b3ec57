// SPDX-License-Identifier: MIT
/*
 * page-touch: the classic mem.c loop. malloc 4 KiB at a time and write the
 * first bytes of each chunk. glibc serves 4 KiB requests from the brk heap
 * (below M_MMAP_THRESHOLD), so every chunk costs about one new page.
 */
#include "util.h"
#include "worker.h"

struct chunk {
	struct chunk *next;
};

struct page_touch {
	const struct worker_opts *o;
	struct chunk *head;
};

/*
 * The first touch of a chunk's page mostly happens inside malloc (it writes
 * the new top chunk's header past our chunk), so malloc + write is timed
 * together as one first touch.
 */
static int grow(struct page_touch *pt)
{
	const struct worker_opts *o = pt->o;
	struct sb_slot *s = o->slot;
	uint64_t t_start = now_ns(), done = 0, unflushed = 0;

	while (done < o->size) {
		uint64_t t0 = now_ns();
		struct chunk *c = malloc(PAGE);

		if (!c) {
			slot_add_bytes(s, (int64_t)unflushed);
			slot_fail(s, ENOMEM);
			return -ENOMEM;
		}
		/* the write of mem.c: the link lives in the chunk itself */
		c->next = pt->head;
		pt->head = c;
		slot_record_fault(s, now_ns() - t0);
		done += PAGE;
		unflushed += PAGE;
		if (unflushed >= MIB || done >= o->size) {
			slot_add_bytes(s, (int64_t)unflushed);
			unflushed = 0;
			progress(o);
			if (worker_stopped(s))
				return -EINTR;
			ramp_wait(o, t_start, done);
		}
	}
	return 0;
}

static void release(struct page_touch *pt)
{
	uint64_t freed = 0;

	while (pt->head) {
		struct chunk *n = pt->head->next;

		free(pt->head);
		pt->head = n;
		freed += PAGE;
	}
	slot_add_bytes(pt->o->slot, -(int64_t)freed);
}

static void retouch(void *arg)
{
	struct page_touch *pt = arg;

	release(pt);
	grow(pt);
}

static int page_touch_run(const struct worker_opts *o)
{
	struct page_touch pt = { .o = o };
	int r;

	slot_set_phase(o->slot, SB_PHASE_RAMPING);
	r = grow(&pt);
	if (r == 0)
		r = hold_phase(o, retouch, &pt);
	/* no free at exit: the kernel frees faster and the slot keeps the size */
	return r;
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_page_touch = {
	.run = page_touch_run,
};
