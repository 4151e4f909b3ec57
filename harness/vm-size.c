// SPDX-License-Identifier: MIT
/*
 * VM mode: how much memory a guest gets, from the profiles it runs (when
 * --mem is not given).
 */
#include "profile.h"
#include "util.h"
#include "vm.h"

/* The guest's own needs beside a memcg's limit: the kernel and its page
 * cache, the unpacked initramfs (~7 MiB, twice while it unpacks), init,
 * and `oomlab run` with its pressure process. 160 MiB is what a 256M
 * limit needed here to reach a memcg OOM with the workers all ramped
 * (claims 01 and 03 gave BROK "the workers do not fit" in 256M). */
#define GUEST_BASE (160 * MIB)
/* A global OOM needs no headroom beyond the kernel's: the workers must
 * fit, then the pressure fills what is left. */
#define GUEST_BASE_GLOBAL (96 * MIB)
#define GUEST_DEFAULT (256 * MIB)

uint64_t vm_guest_mem(struct profile *const *ps, unsigned n)
{
	uint64_t mem = GUEST_DEFAULT;

	for (unsigned i = 0; i < n; i++) {
		const struct profile *p = ps[i];
		uint64_t sum = 0, need;

		/* vm.overcommit_memory=2 claims expect the allocation to fail:
		 * a guest sized for it would defeat the profile */
		if (!p || p->run_expect == RUN_EXPECT_ALLOC_FAIL)
			continue;
		for (unsigned w = 0; w < p->nworkers; w++)
			sum += (p->workers[w].size +
				p->workers[w].parent_size * p->workers[w].children) *
			       p->workers[w].count;
		if (p->has_memory_limit)
			need = p->memory_limit + GUEST_BASE;
		else
			need = sum + GUEST_BASE_GLOBAL;
		if (p->has_init_hog)
			need += p->init_hog;
		need = (need + 32 * MIB - 1) / (32 * MIB) * (32 * MIB);
		if (need > mem)
			mem = need;
	}
	return mem;
}
