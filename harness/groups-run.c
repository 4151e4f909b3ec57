// SPDX-License-Identifier: MIT
/*
 * The run's [group]s as cgroups: created below the run's cgroup before any
 * worker starts, their usage read at the snapshot to find the OOM domain,
 * freed at teardown (removing the run's cgroup removes them).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup.h"
#include "groups.h"
#include "run-ctx.h"
#include "svc.h"
#include "trigger.h"
#include "util.h"
#include "verdict.h"

/* A file holding one number ("max" or absent: 0). */
static int read_u64_file(const char *path, uint64_t *ret)
{
	_cleanup_free_ char *s = NULL;
	unsigned long long v;
	int e = read_file_str(path, &s);

	if (e < 0)
		return e;
	if (sscanf(s, "%llu", &v) != 1)
		return -EINVAL;
	*ret = v;
	return 0;
}

/* The knobs a [group] may set, in the knob table's v2 names. */
static unsigned group_settings(const struct group_spec *g, struct cg_setting *set)
{
	unsigned n = 0;

	if (g->has_memory_limit)
		set[n++] = (struct cg_setting){ CG_KNOB_MAX, g->memory_limit };
	if (g->has_memory_high)
		set[n++] = (struct cg_setting){ CG_KNOB_HIGH, g->memory_high };
	if (g->has_memory_low)
		set[n++] = (struct cg_setting){ CG_KNOB_LOW, g->memory_low };
	if (g->has_memory_min)
		set[n++] = (struct cg_setting){ CG_KNOB_MIN, g->memory_min };
	if (g->has_swap_max)
		set[n++] = (struct cg_setting){ CG_KNOB_SWAP_MAX, g->swap_max };
	if (g->oom_group)
		set[n++] = (struct cg_setting){ CG_KNOB_OOM_GROUP, 1 };
	return n;
}

/*
 * Read each knob back: a value the kernel (or libcgroup) did not take
 * would make the run test something else than the profile says.
 */
static int check_settings(const struct oomlab_cg *cg, const struct cg_setting *set, unsigned n,
			  char *buf, size_t len)
{
	for (unsigned i = 0; i < n; i++) {
		const char *file = cg_knob_file(set[i].knob, cg_version(cg));
		_cleanup_free_ char *path = NULL;
		uint64_t v = 0;
		int e;

		/* v1 memsw holds limit + swap: the write order was checked */
		if (!file || set[i].knob == CG_KNOB_SWAP_MAX)
			continue;
		if (asprintf(&path, "%s/%s", cg_path(cg), file) < 0) {
			path = NULL;
			return -ENOMEM;
		}
		e = read_u64_file(path, &v);
		if (e < 0) {
			snprintf(buf, len, "cannot read %s back: %s", path, strerror(-e));
			return e;
		}
		/* the kernel rounds limits down to pages; "max" reads back as max */
		if (v > set[i].value || set[i].value - v >= 4096) {
			snprintf(buf, len, "%s reads %llu after writing %llu", path,
				 (unsigned long long)v, (unsigned long long)set[i].value);
			return -EIO;
		}
	}
	return 0;
}

static struct oomlab_cg *group_cg(struct run_ctx *c, int g)
{
	if (g >= 0 && (unsigned)g < c->p->ngroups && c->gcg[g])
		return c->gcg[g];
	return c->cg;
}

void groups_setup(struct run_ctx *c)
{
	const struct profile *p = c->p;
	struct run *r = c->r;
	int depth_max = 0;
	char path[256];

	char why[512] = "";

	if (!c->cg)
		return;
	for (unsigned i = 0; i < p->ngroups; i++)
		if (p->groups[i].depth > depth_max)
			depth_max = p->groups[i].depth;
	/* parents before children: by depth */
	for (int d = 1; d <= depth_max; d++)
		for (unsigned i = 0; i < p->ngroups; i++) {
			const struct group_spec *g = &p->groups[i];
			struct cg_setting set[CG_KNOB_COUNT];
			unsigned n;
			int e;

			if (g->depth != d)
				continue;
			n = group_settings(g, set);
			e = cg_create_child(group_cg(c, g->parent), g->name, set, n, &c->gcg[i]);
			if (e < 0)
				return run_set_outcome(
					r, OUTCOME_BROK, "cannot create group %s (%s/%s): %s",
					g->name, cg_relpath(c->cg),
					profile_group_path(p, (int)i, path, sizeof(path)),
					strerror(-e));
			if (check_settings(c->gcg[i], set, n, why, sizeof(why)) < 0)
				return run_set_outcome(r, OUTCOME_BROK, "group %s: %s", g->name,
						       why);
		}
	if (run_stopped(r))
		return;
	/*
	 * Every worker gets a leaf of its own (w-NAME under its group), so
	 * its memory, parent and children alike, is that leaf's usage (issue
	 * 8). On v2 the no internal processes rule (a cgroup whose children
	 * have the memory controller holds no process) then puts the
	 * pressure process in a leaf too; v1 has no such rule, and the
	 * pressure process watches every leaf's counter instead
	 * (groups_pressure_counters).
	 */
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct worker_spec *w = r->inst[i].spec;
		struct cg_setting set = { CG_KNOB_MAX, w ? w->memory_limit : 0 };
		char name[32];
		int e;

		/* a service's leaf is svc-stage.c's (svc_prepare), limit included */
		if (!w || svc_wanted(w))
			continue;
		snprintf(name, sizeof(name), "w-%s", r->inst[i].name);
		e = cg_create_child(worker_parent_cgroup(c, &r->inst[i]), name, &set,
				    w->has_memory_limit, &c->leaf[i]);
		if (e < 0)
			return run_set_outcome(r, OUTCOME_BROK,
					       "cannot create the cgroup of worker %s: %s",
					       r->inst[i].name, strerror(-e));
	}
	if (cg_version(c->cg) == CG_V2) {
		int e = cg_create_child(groups_trigger_cg(c), "oomlab-pressure", NULL, 0,
					&c->pressure_cg);

		if (e < 0)
			return run_set_outcome(r, OUTCOME_BROK,
					       "cannot create the pressure process's leaf "
					       "under %s: %s",
					       groups_name(p, p->trigger_group), strerror(-e));
	}
}

struct oomlab_cg *worker_parent_cgroup(struct run_ctx *c, const struct instance *in)
{
	return group_cg(c, in && in->spec ? in->spec->group : PROFILE_GROUP_RUN);
}

struct oomlab_cg *instance_cgroup(struct run_ctx *c, unsigned i)
{
	if (i < RUN_MAX_INSTANCES && c->leaf[i])
		return c->leaf[i];
	return worker_parent_cgroup(c, i < c->r->ninst ? &c->r->inst[i] : NULL);
}

struct oomlab_cg *groups_trigger_cg(struct run_ctx *c)
{
	return group_cg(c, c->p->trigger_group);
}

uint64_t groups_trigger_limit(const struct run_ctx *c)
{
	return groups_limit(c->p, c->p->trigger_group, c->p->memory_limit);
}

struct oomlab_cg *groups_pressure_cg(struct run_ctx *c)
{
	return c->pressure_cg ? c->pressure_cg : groups_trigger_cg(c);
}

void groups_snapshot(struct run_ctx *c)
{
	const struct profile *p = c->p;
	struct run *r = c->r;
	uint64_t usage[1 + PROFILE_MAX_GROUPS] = { 0 };
	int e;

	if (!p->ngroups || !c->cg)
		return;
	for (unsigned i = 0; i <= p->ngroups; i++) {
		struct oomlab_cg *cg = i ? c->gcg[i - 1] : c->cg;
		struct cg_counters cnt;

		e = cg_read_counters(cg_path(cg), r->cg_version, &cnt);
		if (e < 0)
			return run_set_outcome(r, OUTCOME_BROK,
					       "cannot read the usage of %s at the snapshot: %s",
					       cg_path(cg), strerror(-e));
		usage[i] = cnt.usage;
	}
	/*
	 * The limit trigger lowers the trigger group's own limit below its
	 * usage: the OOM is that group's, whatever the headroom above.
	 */
	if (trigger_of(p)->steps_limit && r->cg_version == CG_V2 && p->trigger_group >= 0)
		usage[1 + p->trigger_group] = groups_trigger_limit(c);
	groups_read_mem(c, r->group_before);
	e = verdict_domain(r, c->limit_now ? c->limit_now : p->memory_limit, usage, c->page_size);
	if (e < 0)
		return run_set_outcome(r, OUTCOME_BROK,
				       "no memory limit from trigger_group up: the OOM "
				       "would not stay in a memcg");
}

int groups_read_counters(struct run_ctx *c, struct cg_counters *ret)
{
	struct cg_counters sum;
	int e;

	e = cg_read_counters(cg_path(c->cg), c->r->cg_version, &sum);
	if (e < 0)
		return e;
	for (unsigned i = 0; c->r->cg_version == CG_V1 && i <= c->p->ngroups + c->r->ninst; i++) {
		struct oomlab_cg *cg = i < c->p->ngroups    ? c->gcg[i]
				       : i == c->p->ngroups ? c->pressure_cg
							    : c->leaf[i - 1 - c->p->ngroups];
		struct cg_counters g;

		if (!cg)
			continue;
		e = cg_read_counters(cg_path(cg), c->r->cg_version, &g);
		if (e < 0)
			return e;
		sum.oom += g.oom;
		sum.oom_kill += g.oom_kill;
		sum.failcnt += g.failcnt;
		sum.under_oom |= g.under_oom;
	}
	*ret = sum;
	return 0;
}

/* Is cg the cgroup top or below it? */
static bool cg_at_or_below(const struct oomlab_cg *cg, const struct oomlab_cg *top)
{
	const char *p = cg_path(cg), *t = cg_path(top);
	size_t n = t ? strlen(t) : 0;

	return p && t && !strncmp(p, t, n) && (p[n] == 0 || p[n] == '/');
}

static void add_counter(const struct oomlab_cg *cg, const struct oomlab_cg *top, const char **ret,
			unsigned max, unsigned *n)
{
	const char *f = cg_oom_counter_file(cg);

	if (f && *n < max && cg_at_or_below(cg, top))
		ret[(*n)++] = f;
}

unsigned groups_pressure_counters(struct run_ctx *c, const char **ret, unsigned max)
{
	struct oomlab_cg *top = groups_trigger_cg(c);
	unsigned n = 0;

	if (c->r->cg_version != CG_V1) {
		add_counter(c->cg, c->cg, ret, max, &n);
		return n;
	}
	add_counter(top, top, ret, max, &n);
	for (unsigned i = 0; i < c->p->ngroups; i++)
		if (c->gcg[i] != top)
			add_counter(c->gcg[i], top, ret, max, &n);
	add_counter(c->pressure_cg, top, ret, max, &n);
	for (unsigned i = 0; i < c->r->ninst && i < RUN_MAX_INSTANCES; i++) {
		add_counter(c->leaf[i], top, ret, max, &n);
		if (c->r->inst[i].svc)
			add_counter(c->r->inst[i].svc->leaf, top, ret, max, &n);
	}
	return n;
}

void groups_read_mem(struct run_ctx *c, struct group_mem *ret)
{
	bool v2 = c->r->cg_version == CG_V2;

	for (unsigned i = 0; i < c->p->ngroups; i++) {
		_cleanup_free_ char *stat = NULL, *swap = NULL;
		struct group_mem m = { 0 };

		ret[i].have = false;
		if (!c->gcg[i])
			continue;
		if (asprintf(&stat, "%s/memory.stat", cg_path(c->gcg[i])) < 0) {
			stat = NULL;
			continue;
		}
		if (read_keyed_u64(stat, v2 ? "anon" : "total_rss", &m.anon) < 0 ||
		    read_keyed_u64(stat, v2 ? "file" : "total_cache", &m.file) < 0)
			continue;
		/* v2 keeps swap in its own file; v1's memory.stat has it with memsw */
		if (v2) {
			if (asprintf(&swap, "%s/memory.swap.current", cg_path(c->gcg[i])) < 0)
				swap = NULL;
			else
				(void)read_u64_file(swap, &m.swap);
		} else {
			(void)read_keyed_u64(stat, "total_swap", &m.swap);
		}
		m.have = true;
		ret[i] = m;
	}
}

void groups_teardown(struct run_ctx *c)
{
	cg_destroy(c->pressure_cg);
	c->pressure_cg = NULL;
	for (unsigned i = 0; i < RUN_MAX_INSTANCES; i++) {
		cg_destroy(c->leaf[i]);
		c->leaf[i] = NULL;
	}
	for (unsigned i = PROFILE_MAX_GROUPS; i-- > 0;) {
		cg_destroy(c->gcg[i]);
		c->gcg[i] = NULL;
	}
}
