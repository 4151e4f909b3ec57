// SPDX-License-Identifier: MIT
/*
 * trigger: the table of triggers, and the stage that brackets the trigger
 * with a /dev/kmsg marker and starts the profile's one.
 */
#include <string.h>

#include "kmsg.h"
#include "run-ctx.h"
#include "trigger.h"
#include "util.h"

extern const struct trigger trigger_pressure, trigger_limit, trigger_global, trigger_sysrq;

/* Indexed by enum trigger_kind for the first four; add new ones at the end. */
const struct trigger *const triggers[] = {
	[TRIGGER_PRESSURE] = &trigger_pressure,
	[TRIGGER_LIMIT] = &trigger_limit,
	[TRIGGER_GLOBAL] = &trigger_global,
	[TRIGGER_SYSRQ] = &trigger_sysrq,
};

const unsigned ntriggers = ARRAY_SIZE(triggers);

const struct trigger *trigger_find(const char *name, unsigned *ret_index)
{
	for (unsigned i = 0; i < ntriggers; i++)
		if (!strcmp(triggers[i]->name, name)) {
			if (ret_index)
				*ret_index = i;
			return triggers[i];
		}
	return NULL;
}

const struct trigger *trigger_of(const struct profile *p)
{
	unsigned t = (unsigned)p->trigger;

	return t < ntriggers ? triggers[t] : triggers[TRIGGER_PRESSURE];
}

void trigger(struct run_ctx *c)
{
	struct run *r = c->r;
	char marker[128];

	c->trig = trigger_of(c->p);
	snprintf(marker, sizeof(marker), "%s trigger %s", c->att.token, c->trig->name);
	if (kmsg_write_marker("/dev/kmsg", marker) < 0)
		run_note(r, "could not write a marker to /dev/kmsg: kill times are taken "
			    "from waitid, not from the kernel's timestamps");
	r->t_trigger_ns = now_ns();
	r->trigger_used = c->trig->name;
	if (c->o->on_event)
		c->o->on_event(r, RUN_EV_TRIGGER, 0, NULL, c->o->arg);
	c->trig->start(c);
}

int trigger_next(struct run_ctx *c, unsigned victims)
{
	if (!c->trig || !c->trig->next)
		return 1;
	return c->trig->next(c, victims);
}

void trigger_stop(struct run_ctx *c)
{
	if (c->trig && c->trig->stop)
		c->trig->stop(c);
}
