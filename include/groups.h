/* SPDX-License-Identifier: MIT */
/*
 * The run's cgroup tree as the OOM killer sees it (pure: no cgroupfs).
 *
 * A memcg OOM happens in one memcg, the OOM domain: the one whose limit
 * the charge hit. Its candidates are the tasks of its subtree
 * (mem_cgroup_scan_tasks) and totalpages is its limit. With
 * memory.oom.group the kernel then kills every task of the highest
 * ancestor of the victim's memcg, up to the domain, that has oom.group set
 * (mem_cgroup_get_oom_group, 4.19+), tasks at -1000 excepted.
 *
 * Groups are named as in struct profile: an index into p->groups, or
 * PROFILE_GROUP_RUN for the run's own cgroup, the root of the tree.
 */
#ifndef OOMLAB_GROUPS_H
#define OOMLAB_GROUPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

struct oom_domain {
	int group;	   /* PROFILE_GROUP_RUN or a group index */
	uint64_t limit;	   /* bytes: its memory.max */
	uint64_t headroom; /* limit - usage of its subtree at the snapshot */
};

/* Group g's memory_limit (the run's for PROFILE_GROUP_RUN), 0 = none. */
uint64_t groups_limit(const struct profile *p, int g, uint64_t run_limit);
/* The group's parent; PROFILE_GROUP_RUN's is PROFILE_GROUP_RUN too. */
int groups_parent(const struct profile *p, int g);
/* "pod" or "the run's cgroup", for explanations. */
const char *groups_name(const struct profile *p, int g);

/*
 * Where the OOM of a trigger in group trig happens. Pressure charges pages
 * to trig; each charge walks the page counters from trig up to the root
 * (page_counter_try_charge) and fails at the first whose limit it would
 * exceed. So as the pressure grows, the group between trig and the run's
 * cgroup with the least headroom (limit - usage of its subtree) is hit
 * first; on equal headroom the lower one, met first on the way up.
 * usage[0] is the run's subtree usage, usage[1 + g] group g's (bytes).
 * run_limit: the run cgroup's limit now. -EINVAL: no limit from trig up
 * (the host never runs without one).
 */
int groups_oom_domain(const struct profile *p, int trig, uint64_t run_limit, const uint64_t *usage,
		      struct oom_domain *ret);

/* Is a task of group g a candidate of an OOM in domain (g at or below it)? */
bool groups_in_domain(const struct profile *p, int g, int domain);

/*
 * The memcg whose tasks all die with a victim in group victim, for an OOM
 * in domain: the highest group from victim up to domain (both included)
 * with oom_group set (the run's cgroup counts with [profile] oom_group).
 * *ret_group untouched and false when none has it: only the victim dies.
 */
bool groups_oom_group(const struct profile *p, int victim, int domain, int *ret_group);

/* ---- the stage (groups-run.c) ---- */

struct run_ctx;
struct oomlab_cg;
struct cg_counters;
struct instance;
struct group_mem;

/*
 * Create the profile's groups below the run's cgroup, parents first, each
 * with its knobs through the v2->v1 knob table; BROK with the cause when
 * one cannot be made (the preflight SKIPs what v1 lacks). A worker with
 * memory_limit gets a leaf of its own (NAME under its group) with that
 * memory.max; on v2, once the tree has any child, every worker and the
 * pressure process get one (no internal processes).
 */
void groups_setup(struct run_ctx *c);
/* Where a worker's leaf goes: its group's cgroup (the run's at the top). */
struct oomlab_cg *worker_parent_cgroup(struct run_ctx *c, const struct instance *in);
/* Where instance i's processes go: its leaf, else its group's cgroup. */
struct oomlab_cg *instance_cgroup(struct run_ctx *c, unsigned i);
/* The trigger group's cgroup (the limit trigger steps its limit). */
struct oomlab_cg *groups_trigger_cg(struct run_ctx *c);
/* The trigger group's configured limit (the run's memory_limit at the top). */
uint64_t groups_trigger_limit(const struct run_ctx *c);
/* Where the pressure process goes. */
struct oomlab_cg *groups_pressure_cg(struct run_ctx *c);
/*
 * At the snapshot: each group's usage, the OOM domain and totalpages
 * (verdict_domain). BROK when a counter cannot be read.
 */
void groups_snapshot(struct run_ctx *c);
/*
 * The run's memcg counters over its whole tree. v2's memory.events is
 * hierarchical; v1 counts oom_kill and failcnt in the victim's own memcg
 * only (memcg_memory_event stops at the first memcg off the default
 * hierarchy; measured here: the run's cgroup said 0 after a kill in a
 * child), so v1 adds the groups'. 0 or -errno.
 */
int groups_read_counters(struct run_ctx *c, struct cg_counters *ret);
/*
 * The files whose "oom_kill N" the pressure process sums to pause after a
 * kill, into ret[max]: the run's memory.events (hierarchical) on v2; on v1
 * every memcg of the OOM domain (the trigger group's and each group and
 * leaf below it), as v1 counts a kill only in the victim's own memcg. The
 * number of files (0 without a cgroup).
 */
unsigned groups_pressure_counters(struct run_ctx *c, const char **ret, unsigned max);
/*
 * Each group's anon, file and swap bytes into ret[] (struct run's
 * group_before/group_after): v2 memory.stat anon/file and
 * memory.swap.current, v1 memory.stat total_rss/total_cache/total_swap.
 * A group whose files cannot be read stays !have.
 */
void groups_read_mem(struct run_ctx *c, struct group_mem *ret);
/* Free what groups_setup made (the run's cgroup removal took the dirs). */
void groups_teardown(struct run_ctx *c);

#endif
