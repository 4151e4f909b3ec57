// SPDX-License-Identifier: MIT
/*
 * The run's cgroup tree as the OOM killer sees it: the OOM domain, its
 * candidates, and who dies with a victim under memory.oom.group.
 */
#include <errno.h>

#include "groups.h"

static bool valid(const struct profile *p, int g)
{
	return g >= 0 && (unsigned)g < p->ngroups;
}

uint64_t groups_limit(const struct profile *p, int g, uint64_t run_limit)
{
	if (!valid(p, g))
		return run_limit;
	return p->groups[g].has_memory_limit ? p->groups[g].memory_limit : 0;
}

int groups_parent(const struct profile *p, int g)
{
	return valid(p, g) ? p->groups[g].parent : PROFILE_GROUP_RUN;
}

const char *groups_name(const struct profile *p, int g)
{
	return valid(p, g) ? p->groups[g].name : "the run's cgroup";
}

int groups_oom_domain(const struct profile *p, int trig, uint64_t run_limit, const uint64_t *usage,
		      struct oom_domain *ret)
{
	struct oom_domain best = { .group = PROFILE_GROUP_RUN };
	bool found = false;
	int g = valid(p, trig) ? trig : PROFILE_GROUP_RUN;

	for (unsigned steps = 0; steps <= p->ngroups + 1; steps++) {
		uint64_t lim = groups_limit(p, g, run_limit);
		uint64_t use = usage[valid(p, g) ? 1 + g : 0];
		uint64_t room = lim > use ? lim - use : 0;

		/* strictly less: on a tie the lower counter fails first */
		if (lim && (!found || room < best.headroom)) {
			best.group = g;
			best.limit = lim;
			best.headroom = room;
			found = true;
		}
		if (!valid(p, g))
			break;
		g = p->groups[g].parent;
	}
	if (!found)
		return -EINVAL;
	*ret = best;
	return 0;
}

bool groups_in_domain(const struct profile *p, int g, int domain)
{
	if (!valid(p, domain))
		return true;
	return profile_group_within(p, valid(p, g) ? g : PROFILE_GROUP_RUN, domain);
}

bool groups_oom_group(const struct profile *p, int victim, int domain, int *ret_group)
{
	int g = valid(p, victim) ? victim : PROFILE_GROUP_RUN, found = 0, best = 0;

	/* mem_cgroup_get_oom_group: from the victim's memcg up to the
	 * domain, the last (highest) one with oom.group set wins */
	for (unsigned steps = 0; steps <= p->ngroups + 1; steps++) {
		bool set = valid(p, g) ? p->groups[g].oom_group : p->oom_group;

		if (set) {
			best = g;
			found = 1;
		}
		if (g == domain || !valid(p, g))
			break;
		g = p->groups[g].parent;
	}
	if (!found)
		return false;
	*ret_group = best;
	return true;
}
