// SPDX-License-Identifier: MIT
/*
 * preflight: the needs table, and the stage that walks it before anything
 * is started (a SKIP or a refused profile leaves nothing behind).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "preflight.h"
#include "procfs.h"
#include "run-ctx.h"
#include "trigger.h"
#include "util.h"

/* ---- what a VM gives: the host SKIPs these, claims --vm boots a guest ---- */

static bool applies_global(const struct profile *p)
{
	return trigger_of(p)->needs_vm;
}

static bool met_in_vm(const struct profile *p, const struct need_env *env)
{
	return env->in_vm;
}

static void why_global(const struct profile *p, const struct need_env *env, char *buf, size_t len)
{
	snprintf(buf, len,
		 "trigger = %s causes a global OOM: only inside a VM "
		 "(oomlab vm run %s)",
		 trigger_name(p->trigger), p->path);
}

static bool applies_vm(const struct profile *p)
{
	return p->needs_vm;
}

static void why_vm(const struct profile *p, const struct need_env *env, char *buf, size_t len)
{
	snprintf(buf, len,
		 "the profile needs a VM (needs = vm): run it with "
		 "oomlab vm run %s",
		 p->path);
}

static bool applies_sysctls(const struct profile *p)
{
	return p->nsysctls > 0;
}

static void why_sysctls(const struct profile *p, const struct need_env *env, char *buf, size_t len)
{
	snprintf(buf, len,
		 "the profile sets sysctl %s: sysctl experiments run only "
		 "inside a VM",
		 p->sysctls[0].name);
}

static bool applies_panic(const struct profile *p)
{
	return p->run_expect == RUN_EXPECT_PANIC;
}

static void why_panic(const struct profile *p, const struct need_env *env, char *buf, size_t len)
{
	snprintf(buf, len, "the profile expects a kernel panic: only inside a VM");
}

static bool applies_swap(const struct profile *p)
{
	return p->has_swap;
}

static void why_swap(const struct profile *p, const struct need_env *env, char *buf, size_t len)
{
	snprintf(buf, len, "swap = ... needs zram inside a VM (this host has no swap)");
}

/* In a VM too: a guest without CAP_SYS_RESOURCE would refuse it as well. */
static bool applies_negative_adj(const struct profile *p)
{
	return p->needs_negative_adj;
}

static bool met_negative_adj(const struct profile *p, const struct need_env *env)
{
	return env->can_lower_adj;
}

static void why_negative_adj(const struct profile *p, const struct need_env *env, char *buf,
			     size_t len)
{
	snprintf(buf, len,
		 "the profile needs a negative oom_score_adj or oom_adj, and "
		 "this process lacks CAP_SYS_RESOURCE, so the kernel would refuse it: "
		 "run it in a VM (oomlab vm run %s)",
		 p->path);
}

/* ---- what this machine must give, VM or not ---- */

static bool applies_root(const struct profile *p)
{
	return p->needs_root;
}

static bool met_root(const struct profile *p, const struct need_env *env)
{
	return env->euid == 0;
}

static void why_root(const struct profile *p, const struct need_env *env, char *buf, size_t len)
{
	snprintf(buf, len,
		 "the profile needs root (needs = root); this process runs as "
		 "uid %u",
		 (unsigned)env->euid);
}

static bool applies_memcg(const struct profile *p)
{
	return trigger_of(p)->needs_memcg;
}

static bool met_memcg(const struct profile *p, const struct need_env *env)
{
	return env->cg_probed && env->cg_err == 0;
}

static void why_memcg(const struct profile *p, const struct need_env *env, char *buf, size_t len)
{
	snprintf(buf, len,
		 "no memory cgroup controller found (%s): cannot confine the "
		 "workers",
		 strerror(env->cg_probed ? -env->cg_err : ENOENT));
}

static bool applies_cgroup2(const struct profile *p)
{
	return p->needs_cgroup2;
}

static bool met_cgroup2(const struct profile *p, const struct need_env *env)
{
	return env->cg_probed && env->cg_err == 0 && env->cg_version == CG_V2;
}

static void why_cgroup2(const struct profile *p, const struct need_env *env, char *buf, size_t len)
{
	if (env->cg_probed && env->cg_err == 0)
		snprintf(buf, len,
			 "the profile needs cgroup v2 (needs = cgroup2); this "
			 "machine's memory controller is cgroup v1: run it in a VM");
	else
		snprintf(buf, len,
			 "the profile needs cgroup v2 (needs = cgroup2); no memory "
			 "cgroup controller found (%s)",
			 strerror(env->cg_probed ? -env->cg_err : ENOENT));
}

static bool applies_oom_group(const struct profile *p)
{
	return p->oom_group && trigger_of(p)->needs_memcg;
}

static bool met_oom_group(const struct profile *p, const struct need_env *env)
{
	return env->cg_version == CG_V2;
}

static void why_oom_group(const struct profile *p, const struct need_env *env, char *buf,
			  size_t len)
{
	snprintf(buf, len,
		 "oom_group needs cgroup v2 (memory.oom.group); this machine's "
		 "memory controller is cgroup v1: run it in a VM");
}

/*
 * [group] knobs the memory controller of this machine lacks: v1 has no
 * memory.high, memory.low, memory.min nor memory.oom.group (the knob
 * table says which version has which file). v2 runs them (the guest).
 */
static const struct {
	enum cg_knob knob;
	const char *key;
} group_knobs[] = {
	{ CG_KNOB_HIGH, "memory_high" },
	{ CG_KNOB_LOW, "memory_low" },
	{ CG_KNOB_MIN, "memory_min" },
	{ CG_KNOB_OOM_GROUP, "oom_group" },
};

static bool group_sets(const struct group_spec *g, enum cg_knob k)
{
	switch (k) {
	case CG_KNOB_HIGH:
		return g->has_memory_high;
	case CG_KNOB_LOW:
		return g->has_memory_low;
	case CG_KNOB_MIN:
		return g->has_memory_min;
	case CG_KNOB_OOM_GROUP:
		return g->oom_group;
	default:
		return false;
	}
}

/* The first group knob the version lacks: *ret_group, *ret_knob. */
static bool group_knob_missing(const struct profile *p, enum cg_version v, unsigned *ret_group,
			       unsigned *ret_knob)
{
	for (unsigned i = 0; i < p->ngroups; i++)
		for (unsigned k = 0; k < ARRAY_SIZE(group_knobs); k++)
			if (group_sets(&p->groups[i], group_knobs[k].knob) &&
			    !cg_knob_file(group_knobs[k].knob, v)) {
				*ret_group = i;
				*ret_knob = k;
				return true;
			}
	return false;
}

static bool applies_group_knobs(const struct profile *p)
{
	unsigned g, k;

	/* CG_V1 lacks every one of them: does the profile set any? */
	return trigger_of(p)->needs_memcg && group_knob_missing(p, CG_V1, &g, &k);
}

static bool met_group_knobs(const struct profile *p, const struct need_env *env)
{
	unsigned g, k;

	return env->cg_probed && env->cg_err == 0 &&
	       !group_knob_missing(p, env->cg_version, &g, &k);
}

static void why_group_knobs(const struct profile *p, const struct need_env *env, char *buf,
			    size_t len)
{
	unsigned g = 0, k = 0;

	group_knob_missing(p, env->cg_version ? env->cg_version : CG_V1, &g, &k);
	snprintf(buf, len,
		 "group %s sets %s (%s), which this machine's memory controller "
		 "(cgroup v%d) lacks: run it in a VM (oomlab vm run %s)",
		 p->groups[g].name, group_knobs[k].key, cg_knob_file(group_knobs[k].knob, CG_V2),
		 env->cg_version ? (int)env->cg_version : 1, p->path);
}

/*
 * Host safety (issue 7, defect 1): a memcg OOM needs the memcg's limit to
 * be hit before the machine, or a memcg above ours, runs out. A limit the
 * machine cannot hold let the pressure grow into a global OOM.
 */
static bool applies_host_memory(const struct profile *p)
{
	return trigger_of(p)->needs_memcg && p->has_memory_limit;
}

/* format_size() prints 1T as "1048576.0M": figures read better in G. */
static const char *size_str(uint64_t b, char buf[static 16])
{
	if (b >= GIB)
		snprintf(buf, 16, "%.1fG", (double)b / GIB);
	else
		format_size(b, buf);
	return buf;
}

uint64_t needs_host_room(const struct need_env *env, char *buf, size_t len)
{
	uint64_t bound = env->mem_available, margin, room;
	char b1[16], b2[16], b3[16], b4[16];

	if (env->bound.limited && env->bound.limit - env->bound.usage < bound) {
		bound = env->bound.limit - env->bound.usage;
		margin = hostmem_margin(bound);
		room = bound > margin ? bound - margin : 0;
		snprintf(buf, len,
			 "the memcg %s above the run's has %s free under its %s limit; "
			 "less a %s safety margin that leaves %s",
			 env->bound.dir, size_str(bound, b1), size_str(env->bound.limit, b2),
			 size_str(margin, b3), size_str(room, b4));
		return room;
	}
	margin = hostmem_margin(bound);
	room = bound > margin ? bound - margin : 0;
	snprintf(buf, len,
		 "MemAvailable is %s (MemTotal %s); less a %s safety margin that "
		 "leaves %s",
		 size_str(bound, b1), size_str(env->mem_total, b2), size_str(margin, b3),
		 size_str(room, b4));
	return room;
}

static bool met_host_memory(const struct profile *p, const struct need_env *env)
{
	char figures[512];

	if (env->in_vm)
		return true;
	if (!env->mem_probed || env->mem_err)
		return false;
	return p->memory_limit <= needs_host_room(env, figures, sizeof(figures));
}

static void why_host_memory(const struct profile *p, const struct need_env *env, char *buf,
			    size_t len)
{
	char figures[400], b1[16];

	if (!env->mem_probed || env->mem_err) {
		snprintf(buf, len,
			 "cannot tell whether this machine can hold memory_limit = %s "
			 "(reading MemAvailable or the memcgs above ours: %s)",
			 size_str(p->memory_limit, b1),
			 strerror(env->mem_probed ? -env->mem_err : ENOENT));
		return;
	}
	needs_host_room(env, figures, sizeof(figures));
	snprintf(buf, len,
		 "memory_limit = %s is more than this machine can hold: %s; the "
		 "memcg's limit must be hit before the machine runs out",
		 size_str(p->memory_limit, b1), figures);
}

/* rlimit.* above this host's hard limit: raising one needs
 * CAP_SYS_RESOURCE (kernel/sys.c do_prlimit), which a guest has. */
static bool applies_rlimits(const struct profile *p)
{
	for (unsigned i = 0; i < p->nworkers; i++)
		for (unsigned k = 0; k < WORKER_RLIMIT_COUNT; k++)
			if (p->workers[i].rlimits[k].set)
				return true;
	return false;
}

static bool met_rlimits(const struct profile *p, const struct need_env *env)
{
	char why[8];

	if (!env->rl_probed)
		return true; /* cannot tell: the child's setrlimit says (SKIP) */
	for (unsigned i = 0; i < p->nworkers; i++)
		if (rlimit_unsettable(&p->workers[i], &env->rl, why, sizeof(why)))
			return false;
	return true;
}

static void why_rlimits(const struct profile *p, const struct need_env *env, char *buf, size_t len)
{
	for (unsigned i = 0; i < p->nworkers; i++)
		if (rlimit_unsettable(&p->workers[i], &env->rl, buf, len))
			return;
}

/*
 * In the order the checks run: first what a VM gives (so a host SKIPs a
 * VM-only profile before it is refused for lacking memory_limit), then what
 * every machine must give.
 */
const struct need needs[] = {
	{ "global trigger", true, applies_global, met_in_vm, why_global },
	{ "vm", true, applies_vm, met_in_vm, why_vm },
	{ "sysctls", true, applies_sysctls, met_in_vm, why_sysctls },
	{ "panic", true, applies_panic, met_in_vm, why_panic },
	{ "swap", true, applies_swap, met_in_vm, why_swap },
	{ "negative adj", true, applies_negative_adj, met_negative_adj, why_negative_adj },
	{ "rlimits", true, applies_rlimits, met_rlimits, why_rlimits },
	{ "root", false, applies_root, met_root, why_root },
	{ "memcg", false, applies_memcg, met_memcg, why_memcg },
	{ "cgroup2", false, applies_cgroup2, met_cgroup2, why_cgroup2 },
	{ "oom_group", false, applies_oom_group, met_oom_group, why_oom_group },
	{ "group knobs", false, applies_group_knobs, met_group_knobs, why_group_knobs },
	{ "host memory", false, applies_host_memory, met_host_memory, why_host_memory },
};

const unsigned nneeds = ARRAY_SIZE(needs);

const struct need *needs_unmet(const struct profile *p, const struct need_env *env,
			       bool vm_remedy_only, char *buf, size_t len)
{
	for (unsigned i = 0; i < nneeds; i++) {
		const struct need *n = &needs[i];

		if (vm_remedy_only && !n->vm_remedy)
			continue;
		if (!n->applies(p) || n->met(p, env))
			continue;
		n->why(p, env, buf, len);
		return n;
	}
	return NULL;
}

void needs_probe(const struct profile *p, bool in_vm, struct need_env *ret)
{
	const struct trigger *t = trigger_of(p);
	struct need_env env = {
		.in_vm = in_vm,
		.euid = geteuid(),
		.can_lower_adj = proc_can_lower_adj(),
	};
	_cleanup_free_ char *dir = NULL;

	env.rl_probed = rlimit_env_read(&env.rl) == 0;
	if (t->needs_memcg || p->needs_cgroup2) {
		env.cg_probed = true;
		env.cg_err = cg_detect("/", &env.cg_version, &dir);
	}
	if (!in_vm && t->needs_memcg && p->has_memory_limit) {
		env.mem_probed = true;
		env.mem_err = hostmem_meminfo("/proc", &env.mem_total, &env.mem_available);
		if (!env.mem_err && !env.cg_err)
			env.mem_err = hostmem_ancestor_bound(dir, env.cg_version, &env.bound);
	}
	*ret = env;
}

const char *runner_vm_only(const struct profile *p, char *buf, size_t len)
{
	struct need_env env = {
		.in_vm = false,
		.can_lower_adj = proc_can_lower_adj(),
	};

	env.rl_probed = rlimit_env_read(&env.rl) == 0;
	return needs_unmet(p, &env, true, buf, len) ? buf : NULL;
}

void preflight(struct run_ctx *c)
{
	const struct profile *p = c->p;
	struct run *r = c->r;
	struct need_env env;
	char why[1024];

	needs_probe(p, c->o->in_vm, &env);
	if (env.cg_probed && env.cg_err == 0)
		r->cg_version = env.cg_version;
	if (needs_unmet(p, &env, true, why, sizeof(why)))
		return run_set_outcome(r, OUTCOME_SKIP, "%s", why);
	if (!c->o->in_vm && !p->has_memory_limit)
		return run_set_outcome(r, OUTCOME_BROK,
				       "%s: memory_limit is required "
				       "on the host: every worker must run inside a memory "
				       "cgroup with a limit (a global OOM only in a VM)",
				       p->path);
	if (trigger_of(p)->needs_vm && p->has_memory_limit)
		return run_set_outcome(r, OUTCOME_BROK,
				       "%s: trigger = %s is a global OOM: "
				       "memory_limit makes no sense with it",
				       p->path, trigger_name(p->trigger));
	if (needs_unmet(p, &env, false, why, sizeof(why)))
		return run_set_outcome(r, OUTCOME_SKIP, "%s", why);
}
