/* SPDX-License-Identifier: MIT */
/*
 * hostmem: how much memory a host run may confine in its memcg without the
 * machine, or a memcg above ours, running out first (issue 7, defect 1).
 * Readers take a path (proc root, cgroup directory) so unit tests use
 * tests/fixtures/proc and fake trees under tests/fixtures/cgroup/.
 */
#ifndef OOMLAB_HOSTMEM_H
#define OOMLAB_HOSTMEM_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"

/* MemTotal and MemAvailable of proc/meminfo, in bytes. */
int hostmem_meminfo(const char *proc, uint64_t *ret_total, uint64_t *ret_available);

/* The tightest memcg from a directory up to its hierarchy's root. */
struct hostmem_bound {
	bool limited;	/* some level has a limit (else the rest is unset) */
	char dir[512];	/* the level with the least room */
	uint64_t limit; /* its limit (v1 memory.limit_in_bytes, v2 memory.max) */
	uint64_t usage; /* its usage (v1 memory.usage_in_bytes, v2 memory.current) */
};

/*
 * Walk from dir (our own memcg, absolute) up while the level has a limit
 * file (v2: the root cgroup and levels without the memory controller have
 * no memory.max; v1: the mount's parent has no memory.limit_in_bytes) and
 * keep the level with the smallest limit - usage. v2 "max" is no limit.
 * A v2 root cgroup (a container's namespace root) has no memory.max: then
 * ret->limited is false. -EINVAL on a malformed file.
 */
int hostmem_ancestor_bound(const char *dir, enum cg_version v, struct hostmem_bound *ret);

/* The safety margin kept free of a bound: max(512 MiB, 10% of it). */
uint64_t hostmem_margin(uint64_t bound);

#endif
