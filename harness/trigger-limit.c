// SPDX-License-Identifier: MIT
/*
 * trigger = limit: lower the memcg's limit below its usage, once at the
 * start and once per victim. v2: lowering memory.max below usage invokes
 * the OOM killer. v1: memory.limit_in_bytes below usage reclaims and then
 * fails with EBUSY, never OOM-kills, so the run falls back to pressure.
 */
#include <string.h>

#include "cgroup.h"
#include "groups.h"
#include "run-ctx.h"
#include "trigger.h"
#include "util.h"

#define LIMIT_STEP (4 * MIB)

static int limit_step(struct run_ctx *c)
{
	struct cg_counters cnt;
	int e;

	/* trigger_group: that group's limit is stepped, its memcg OOMs */
	e = cg_read_counters(cg_path(groups_trigger_cg(c)), c->r->cg_version, &cnt);
	if (e < 0)
		return e;
	c->limit_now = cnt.usage > LIMIT_STEP * 2 ? cnt.usage - LIMIT_STEP : cnt.usage / 2;
	c->r->totalpages = c->limit_now / c->page_size;
	if (c->r->has_domain)
		c->r->domain_limit = c->limit_now;
	return cg_set_limit(groups_trigger_cg(c), c->limit_now);
}

static int limit_start(struct run_ctx *c)
{
	struct run *r = c->r;
	int e;

	e = limit_step(c);
	if (e == -EBUSY && r->cg_version == CG_V1) {
		e = cg_set_limit(groups_trigger_cg(c), groups_trigger_limit(c));
		if (e < 0) {
			run_set_outcome(r, OUTCOME_BROK,
					"cannot restore the memory limit "
					"after v1 refused a lower one: %s",
					strerror(-e));
			return e;
		}
		c->limit_now = groups_trigger_limit(c);
		r->totalpages = c->limit_now / c->page_size;
		run_note(r, "trigger = limit: cgroup v1 refuses a limit below usage "
			    "(EBUSY) instead of OOM-killing, so the pressure trigger was "
			    "used");
		r->trigger_used = "pressure (limit on v1)";
		c->trig = &trigger_pressure;
		return trigger_pressure_spawn(c, NULL);
	}
	if (e < 0)
		run_set_outcome(r, OUTCOME_BROK, "cannot lower the memory limit: %s", strerror(-e));
	return e;
}

/* One step per victim, once it is dead. */
static int limit_next(struct run_ctx *c, unsigned victims)
{
	int e;

	if (victims <= c->stepped_for)
		return 0;
	c->stepped_for = victims;
	e = limit_step(c);
	if (e < 0)
		run_set_outcome(c->r, OUTCOME_BROK,
				"cannot lower the memory limit after "
				"victim %u: %s",
				victims, strerror(-e));
	return e;
}

const struct trigger trigger_limit = {
	.name = "limit",
	.help = "lower memory.max 4 MiB below usage, once per victim (v2)",
	.needs_memcg = true,
	.steps_limit = true,
	.start = limit_start,
	.next = limit_next,
};
