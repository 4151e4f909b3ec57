// SPDX-License-Identifier: MIT
/*
 * hostmem: MemAvailable and the tightest memcg above us, so preflight can
 * refuse a memory_limit the machine cannot hold. Without this, a limit of
 * 1T let the pressure process grow until a global OOM (issue 7, defect 1).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "hostmem.h"
#include "util.h"

int hostmem_meminfo(const char *proc, uint64_t *ret_total, uint64_t *ret_available)
{
	char path[PATH_MAX];
	uint64_t total, avail;
	int r;

	snprintf(path, sizeof(path), "%s/meminfo", proc);
	r = read_keyed_u64(path, "MemTotal:", &total);
	if (r < 0)
		return r;
	/* MemAvailable: since 3.14 (commit 34e431b0ae39), the kernel's own
	 * estimate of what can be allocated without swapping. */
	r = read_keyed_u64(path, "MemAvailable:", &avail);
	if (r < 0)
		return r;
	*ret_total = total * KIB;
	*ret_available = avail * KIB;
	return 0;
}

/* A number, or v2's "max" (no limit) as UINT64_MAX. */
static int read_u64_or_max(const char *dir, const char *name, uint64_t *ret)
{
	_cleanup_free_ char *buf = NULL;
	char path[PATH_MAX], *end;
	unsigned long long v;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = read_file_str(path, &buf);
	if (r < 0)
		return r;
	if (!strncmp(buf, "max", 3)) {
		*ret = UINT64_MAX;
		return 0;
	}
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n'))
		return -EINVAL;
	*ret = v;
	return 0;
}

int hostmem_ancestor_bound(const char *dir, enum cg_version v, struct hostmem_bound *ret)
{
	const char *limit_file = cg_knob_file(CG_KNOB_MAX, v);
	const char *usage_file = cg_knob_file(CG_KNOB_CURRENT, v);
	struct hostmem_bound best = { .limited = false };
	char cur[512];

	if (!limit_file || !usage_file)
		return -EINVAL;
	if (snprintf(cur, sizeof(cur), "%s", dir) >= (int)sizeof(cur))
		return -ENAMETOOLONG;
	for (;;) {
		uint64_t limit, usage = 0;
		char *slash;
		int r;

		r = read_u64_or_max(cur, limit_file, &limit);
		if (r == -ENOENT)
			break; /* above the levels that have the controller */
		if (r < 0)
			return r;
		/* v1 shows "no limit" as PAGE_COUNTER_MAX pages rounded down,
		 * 9223372036854771712 with 4 KiB pages. */
		if (limit >= (1ULL << 62))
			limit = UINT64_MAX;
		if (limit != UINT64_MAX) {
			r = read_u64_or_max(cur, usage_file, &usage);
			if (r < 0)
				return r;
			if (usage > limit)
				usage = limit;
			if (!best.limited || limit - usage < best.limit - best.usage) {
				best.limited = true;
				best.limit = limit;
				best.usage = usage;
				snprintf(best.dir, sizeof(best.dir), "%s", cur);
			}
		}
		slash = strrchr(cur, '/');
		if (!slash || slash == cur)
			break;
		*slash = 0;
	}
	*ret = best;
	return 0;
}

uint64_t hostmem_margin(uint64_t bound)
{
	uint64_t tenth = bound / 10;

	return tenth > 512 * MIB ? tenth : 512 * MIB;
}
